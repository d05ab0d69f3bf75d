/*
 * Options: the backend URL and API token, saved in chrome.storage.local. A backend other than
 * 127.0.0.1/localhost needs a host permission, requested here (a user gesture is required).
 * The saved token is never shown back: the field stays empty and a masked hint says one is saved.
 */
import { extraPermissionFor, getSettings, maskToken, normalizeBackendUrl, saveSettings } from '../background/settings.js';

const form = document.getElementById('options');
const status = document.getElementById('status');
const tokenHint = document.getElementById('token-hint');

function show(kind, text) {
  status.dataset.kind = kind;
  status.textContent = text;
}

async function refresh() {
  const { backendUrl, apiToken } = await getSettings();
  form.elements.backendUrl.value = backendUrl;
  form.elements.apiToken.value = '';
  form.elements.apiToken.placeholder = apiToken ? 'Leave empty to keep the saved token' : 'Paste your API token';
  tokenHint.textContent = apiToken ? `Saved token: ${maskToken(apiToken)}` : 'No token saved yet.';
}

async function save() {
  let backendUrl;
  try {
    backendUrl = normalizeBackendUrl(form.elements.backendUrl.value);
  } catch (error) {
    show('error', error.message);
    return false;
  }
  const pattern = extraPermissionFor(backendUrl);
  // Asked first, while the click still counts as a user gesture.
  if (pattern && !(await chrome.permissions.request({ origins: [pattern] }))) {
    show('error', `Sourcebridge needs your permission to reach ${new URL(backendUrl).origin}`);
    return false;
  }
  const apiToken = form.elements.apiToken.value.trim();
  await saveSettings(apiToken ? { backendUrl, apiToken } : { backendUrl });
  await refresh();
  return true;
}

async function testConnection() {
  show('pending', 'Testing…');
  const reply = await chrome.runtime.sendMessage({ testConnection: {} });
  if (reply?.error) {
    show('error', reply.error.message);
    return;
  }
  const { email, account } = reply.result;
  show('ok', `Connected as ${email ?? 'unknown user'}${account ? ` (${account})` : ''}`);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (await save()) show('ok', 'Saved.');
});

document.getElementById('test-connection').addEventListener('click', async () => {
  // Unsaved edits are saved first, so the test checks what the lookups will use.
  const edited = form.elements.apiToken.value.trim() || form.elements.backendUrl.value.trim() !== (await getSettings()).backendUrl;
  if (edited && !(await save())) return;
  await testConnection();
});

await refresh();
