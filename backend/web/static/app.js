// Sourcebridge web app: progressive enhancement only (every form also works without this file).
'use strict';

document.addEventListener('DOMContentLoaded', () => {
  // After a failed submit, move focus to the error summary so screen readers announce it.
  const summary = document.getElementById('error-summary');
  if (summary) summary.focus();
});
