/** Canonical JSON lives in the contract, because agents hash their inventory snapshots with it too. */
export { canonicalJson } from '@estate/contract';
