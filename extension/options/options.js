/*
 * Options: the backend URL and API token, saved in chrome.storage.local. A backend other than
 * 127.0.0.1/localhost needs a host permission, requested here (a user gesture is required).
 * The saved token is never shown back: the field stays empty and a masked hint says one is saved.
 * "Connect to Sourcebridge" gets a per-device token through the web app (background/connect.js);
 * plain http:// to a non-loopback host is saved only after the user accepts the warning.
 */
import {
  extraPermissionFor,
  getSettings,
  maskToken,
  normalizeBackendUrl,
  saveSettings,
  sendsTokenInClear
} from '../background/settings.js';

const form = document.getElementById('options');
const status = document.getElementById('status');
const tokenHint = document.getElementById('token-hint');
const insecureWarning = document.getElementById('insecure-warning');

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
  showInsecureWarning();
}

function typedUrlSendsTokenInClear() {
  try {
    return sendsTokenInClear(normalizeBackendUrl(form.elements.backendUrl.value));
  } catch {
    return false; // not a URL yet: save() says so
  }
}

/** Shows the warning while the typed URL would send the token in clear; true when it does. */
function showInsecureWarning() {
  const insecure = typedUrlSendsTokenInClear();
  insecureWarning.hidden = !insecure;
  if (!insecure) form.elements.allowInsecure.checked = false;
  return insecure;
}

async function save() {
  let backendUrl;
  try {
    backendUrl = normalizeBackendUrl(form.elements.backendUrl.value);
  } catch (error) {
    show('error', error.message);
    return false;
  }
  if (showInsecureWarning() && !form.elements.allowInsecure.checked) {
    show('error', 'Not saved: this http:// address would send your token unencrypted. Use https://, or tick "I understand" below the address.');
    form.elements.allowInsecure.focus();
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

async function connect() {
  if (!(await save())) return;
  show('pending', 'Sign in to Sourcebridge in the new tab and press Connect there.');
  const reply = await chrome.runtime.sendMessage({ startConnect: {} });
  if (reply?.error) show('error', reply.error.message);
}

// The worker finishes the connection in the background and leaves its outcome here.
chrome.storage.onChanged.addListener(async (changes, area) => {
  if (area === 'session' && changes.connectResult?.newValue) {
    const { ok, message } = changes.connectResult.newValue;
    show(ok ? 'ok' : 'error', message);
    await refresh();
  }
});

form.elements.backendUrl.addEventListener('input', showInsecureWarning);
document.getElementById('connect').addEventListener('click', connect);

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
