// The floor's worker: every Loop call the ticket can need, all at once, with the same key as ours.
const API = "https://api.loopreturns.com";

chrome.runtime.onMessage.addListener((message, _sender, reply) => {
  answer(message).then(reply, () => reply([]));
  return true;
});

async function answer({ email, orders }) {
  // The policy first, as ours must (it may switch the integration off or set the key); then the local key.
  const managed = await chrome.storage.managed.get().catch(() => ({}));
  const { apiKey: localKey } = await chrome.storage.local.get("apiKey");
  const apiKey = managed.apiKey || localKey;
  const headers = { "X-Authorization": apiKey || "", Accept: "application/json" };
  const get = (path) => fetch(API + path, { headers, credentials: "omit", cache: "no-store" })
    .then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  const calls = [];
  if (email) {
    const since = new Date(Date.now() - 365 * 864e5).toISOString().slice(0, 10);
    calls.push(get(`/api/v2/returns?filter=updated_at&limit=50&from=${since}&customer_email=${encodeURIComponent(email.toLowerCase())}`)
      .then((d) => (Array.isArray(d.data) ? d.data.map((r) => [r.order_name, r.state]) : [])));
  }
  for (const name of orders) {
    calls.push(get(`/api/v1/warehouse/return/details?order_name=${encodeURIComponent(name)}`)
      .then((d) => [[name, d && d.id ? d.state : "no return"]]));
  }
  return (await Promise.all(calls)).flat();
}
