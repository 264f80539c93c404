export { allocate } from './allocate.ts';
export { ceilStep, floorStep } from './demand.ts';
export { siteProblems } from './site-problems.ts';
export { violations, type Violation } from './violations.ts';
export { applicableIncreases, orderTransition, type Transition, type TransitionStep } from './transition.ts';
export { DEFAULT_SETTINGS } from './settings.ts';
export type * from './types.ts';
