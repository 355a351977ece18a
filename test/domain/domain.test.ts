/**
 * The domain: decisions, measure histories, categories, instants, unreadable facts. Each is a `*.suite.ts` module; this entry loads them together so the
 * modules they share (Nest, the app, the validators) load once. Run one alone:
 * `npm run test:suite -- test/domain/decide.suite.ts`.
 */
import './decide.suite.js';
import './decide-incremental.property.suite.js';
import './long-histories.property.suite.js';
import './wide-categories.property.suite.js';
import './measure-history.suite.js';
import './categories.property.suite.js';
import './instants.property.suite.js';
import './unreadable-facts.suite.js';
import './undone-retraction.wide.oracle.suite.js';
import './restoration.suite.js';
import './restoration.property.suite.js';
import './category-set-memory.suite.js';
import './regiven-ids.suite.js';
import './category-set-turn.suite.js';
import './dependents.suite.js';
import './deep-categories.property.suite.js';
