/**
 * The README and docs/ link to each other and to files of the project: a
 * moved file or a renamed heading must fail here, not leave a reader at a
 * dead link. Links are read from the Markdown text outside code (fenced
 * blocks and inline code spans); anchors are GitHub's heading slugs.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { packageRoot } from '../../src/package-root.js';

const root = packageRoot();
const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The Markdown outside fenced blocks (blanked), with inline code spans removed or, for headings, kept as text. */
function prose(markdown: string, codeAsText = false): string[] {
  let fenced = false;
  return markdown.split('\n').map((line) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line.replace(/(`+)([^`]*)\1/g, codeAsText ? '$2' : '');
  });
}

/** GitHub's anchor for each heading: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of prose(markdown, true)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = (heading[1] ?? '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

interface Link {
  document: string;
  line: number;
  target: string;
}

function links(document: string): Link[] {
  const found: Link[] = [];
  prose(readFileSync(join(root, document), 'utf8')).forEach((text, index) => {
    for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      found.push({ document, line: index + 1, target: match[1] ?? '' });
    }
  });
  return found;
}

const relativeLinks = documents.flatMap(links).filter(({ target }) => !/^[a-z][a-z0-9+.-]*:/i.test(target));

/** Where a link leads, or why it leads nowhere. */
function problem({ document, target }: Link): string | undefined {
  const [path, anchor] = target.split('#', 2) as [string, string | undefined];
  const file = path === '' ? join(root, document) : resolve(dirname(join(root, document)), decodeURI(path));
  const inside = relative(root, file);
  if (inside.startsWith('..') || inside.split(sep)[0] === 'node_modules') return 'leads outside the project';
  if (!existsSync(file)) return 'no such file';
  if (anchor === undefined) return undefined;
  if (!statSync(file).isFile() || !file.endsWith('.md')) return 'an anchor into a file that is not Markdown';
  return anchors(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor)) ? undefined : `no heading #${anchor}`;
}

describe('links in the README and docs/', () => {
  it('finds the documents and their links', () => {
    expect(documents).toEqual(expect.arrayContaining(['README.md', 'docs/domain.md', 'docs/http-api.md']));
    expect(relativeLinks.length).toBeGreaterThan(20);
  });

  it('leads every relative link to a file of the project, and to a heading of it when it names one', () => {
    const broken = relativeLinks.flatMap((link) => {
      const why = problem(link);
      return why ? [`${link.document}:${link.line} ${link.target}: ${why}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it('reads anchors as GitHub makes them', () => {
    expect([
      ...anchors(
        '# For auditors: the web app\n## HTTP API (v1)\n## `at` and `asOf`\n## Notes\n## Notes\n```\n# not a heading\n```',
      ),
    ]).toEqual(['for-auditors-the-web-app', 'http-api-v1', 'at-and-asof', 'notes', 'notes-1']);
  });
});
