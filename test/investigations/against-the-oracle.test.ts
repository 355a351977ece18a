/**
 * Explanations, timelines, reports, the causes of changes and the transitions held to the oracle, and the wrong
 * answers it found, each reduced to its smallest history. Each is a `*.suite.ts` module; this entry loads them
 * together so the modules they share load once. Run one alone:
 * `npm run test:suite -- test/investigations/explain.oracle.suite.ts`.
 */
import './explain.oracle.suite.js';
import './explain-findings.oracle.suite.js';
import './timeline-report.oracle.suite.js';
import './correction-causes.suite.js';
import './replay-retracted.suite.js';
import './transitions.property.suite.js';
import './retraction-causes.wide.oracle.suite.js';
import './oracle-acted-on.suite.js';
import './timeline-causes-in-categories.suite.js';
import './overdetermined-narrowing.suite.js';
import './mixed-step-causes.suite.js';
import './explain-retracted-measure.suite.js';
import './explain-since-stretch.suite.js';
import './since-walk.suite.js';
