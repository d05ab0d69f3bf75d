/* A small in-memory stand-in for the chrome.* APIs the service worker uses; install with installFakeChrome(). */

function storageArea() {
  const data = new Map();
  return {
    data,
    async get(keys) {
      const wanted = keys === undefined || keys === null ? [...data.keys()] : [keys].flat();
      return Object.fromEntries(wanted.filter((key) => data.has(key)).map((key) => [key, structuredClone(data.get(key))]));
    },
    async set(values) {
      for (const [key, value] of Object.entries(values)) data.set(key, structuredClone(value));
    },
    async remove(keys) {
      for (const key of [keys].flat()) data.delete(key);
    }
  };
}

/** @param {{grantedOrigins?: string[]}} [options] */
export function installFakeChrome({ grantedOrigins = [] } = {}) {
  const chrome = {
    runtime: { id: 'sourcebridge-test-id', openOptionsPage: async () => {} },
    storage: { local: storageArea(), session: storageArea() },
    permissions: { contains: async ({ origins }) => origins.every((origin) => grantedOrigins.includes(origin)) }
  };
  globalThis.chrome = chrome;
  return chrome;
}

/** A fetch double answering with `status` and a JSON body, recording each request. */
export function fakeFetch(status, body) {
  const calls = [];
  const impl = async (url, init) => {
    calls.push({ url, init });
    return new Response(body === undefined ? '' : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' }
    });
  };
  return Object.assign(impl, { calls });
}
