/** The frame: sign in with an API key, then search and the subject and measure pages. */
import { useEffect, useState } from 'preact/hooks';
import { session, whenUnauthorized } from './api.js';
import { MeasurePage } from './measure-page.js';
import { onLinkClick, useLocation } from './router.js';
import { Search } from './search.js';
import { SubjectPage } from './subject-page.js';

export const DEMO_QUESTION = '/subjects/huawei?category=exports/existing-handset-support&at=2019-08-20&asOfPosition=3';

/** Whether the ledger accepts a key for reading: asked once at sign-in, so a mistyped key is told at once. */
async function keyProblem(key: string): Promise<string | undefined> {
  try {
    const response = await fetch('/v1/subjects?limit=1', { headers: { Authorization: `Bearer ${key.trim()}` } });
    if (response.ok) return undefined;
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    return `That key was not accepted: ${body.message ?? response.statusText}`;
  } catch (error) {
    return `The ledger could not be reached: ${(error as Error).message}`;
  }
}

function SignIn({ onSignIn, reason }: { onSignIn: () => void; reason?: string }) {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<string>();
  return (
    <main id="main" class="sign-in">
      <h1>regledger</h1>
      <p>What restricted a subject at a valid time, as the ledger knew it at a record time, and why.</p>
      {(problem ?? reason) && <p role="alert">{problem ?? reason}</p>}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!key.trim()) return;
          const found = await keyProblem(key);
          if (found) return setProblem(found);
          session.signIn(key);
          onSignIn();
        }}
      >
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          required
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
        />
        <button type="submit">Sign in</button>
      </form>
      <p class="hint">
        A reader key is enough. `npm start` prints the generated admin key, and keeps it in data/admin-api-key. The key
        stays in this tab (sessionStorage) only.
      </p>
    </main>
  );
}

function Home() {
  return (
    <main id="main">
      <h1>Ask the ledger</h1>
      <p>Find a subject or a measure above, or open the demo question:</p>
      <p>
        <a href={DEMO_QUESTION} onClick={onLinkClick}>
          Was Huawei restricted for existing handset support on 2019-08-20, as the ledger knew it at its third record?
        </a>
      </p>
    </main>
  );
}

export function App() {
  const [signedIn, setSignedIn] = useState(() => session.key() !== null);
  const [reason, setReason] = useState<string>();
  const { path, params } = useLocation();
  useEffect(
    () =>
      whenUnauthorized(() => {
        session.signOut();
        setReason('The API key was not accepted: sign in again.');
        setSignedIn(false);
      }),
    [],
  );
  if (!signedIn) return <SignIn reason={reason} onSignIn={() => (setReason(undefined), setSignedIn(true))} />;
  const subject = /^\/subjects\/([^/]+)\/?$/.exec(path);
  const measure = /^\/measures\/([^/]+)\/?$/.exec(path);
  return (
    <>
      <a class="skip" href="#main">
        Skip to the answer
      </a>
      <header class="bar">
        <a class="brand" href="/" onClick={onLinkClick}>
          regledger
        </a>
        <Search />
        <button
          type="button"
          onClick={() => {
            session.signOut();
            setSignedIn(false);
          }}
        >
          Sign out
        </button>
      </header>
      {subject ? (
        <SubjectPage key={subject[1]} subjectId={decodeURIComponent(subject[1]!)} params={params} />
      ) : measure ? (
        <MeasurePage key={measure[1]} measureId={decodeURIComponent(measure[1]!)} params={params} />
      ) : (
        <Home />
      )}
    </>
  );
}
