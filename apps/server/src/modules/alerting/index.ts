/*
 * The alerting module (issue 15). Its storage, routes and pages come next (ADR 0024); for now it offers what needs no
 * store: running `promtool test rules` files through Estate's own rule evaluation, for `estate rules test`.
 */
export {
  formatPromtoolReport,
  type PromtoolFileResult,
  runPromtoolTestFile,
} from './rules';
