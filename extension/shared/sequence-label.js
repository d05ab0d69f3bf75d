/*
 * How a sequence is named in the popup's picker. In shared/ (no chrome.*, no service-worker
 * imports) so the popup page loads only this, not the worker's backend and storage modules.
 */

/** The picker's text for a sequence: its name, then its indicators ("Senior Backend · Sync Disabled"). */
export function sequenceLabel(sequence) {
  const paused = sequence.status === 'paused' ? ['Paused'] : [];
  return [sequence.name, ...sequence.indicators, ...paused].join(' · ');
}
