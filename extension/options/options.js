// Options page: the settings form over chrome.storage.local; enterprise policy (storage.managed) wins field by
// field, shows as "Set by your administrator" and locks those fields (or all of them with lockSettings).
//
// Save writes at once: "Saved." appears as soon as storage has the values, with no network call in front of
// it, so an admin who closes the tab right after loses nothing. The key check (Python, in the extension's one
// runtime: pyapp.loop.client.LoopClient.check_key, asked over a chrome.runtime port) runs afterwards and puts
// its verdict beside "Saved.". The key is never written back into the page: only its last 4 characters.
import "/shared/contract.js"; // the settings' names and defaults, written by build.py from pyapp/contract/settings.py

const C = globalThis.loopReturnsContract;
const SETTINGS = C.settings;
const FIELDS = SETTINGS.names;
// What this page shows: the form's controls named after a setting (the rest is policy-only). The key is special:
// it is never written back into the page, only its last 4 characters.
const EDITABLE = [...document.querySelectorAll("#settings [name]")].map((el) => /** @type {HTMLInputElement} */ (el).name).filter((n) => FIELDS.includes(n));
const PLAIN = EDITABLE.filter((name) => name !== "apiKey");
const read = (el) => (el.type === "checkbox" ? el.checked : el.value);
const fill = (el, value) => { if (el.type === "checkbox") el.checked = value !== false; else el.value = value ?? ""; };
const CHECK_TIMEOUT_MS = 45_000; // a runtime that is still starting Python, then Loop's own time
/** @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);
// chrome.i18n can answer "" (seen once in a dozen fresh profiles): the English catalog is the fallback.
let english = {};
const t = (key, fallback = "") => chrome.i18n.getMessage(key) || english[key]?.message || fallback;
let local = {};
let managed = {};
const edited = new Set(); // fields the admin changed and has not saved: storage events never overwrite them

for (const el of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-i18n]"))) el.textContent = t(el.dataset.i18n, el.textContent);
fetch("/_locales/en/messages.json").then((r) => r.json()).then((m) => { english = m; }).catch(() => {});

// The administrator's policy: null until it has been read (the form is read-only until then), "failed" if it
// could not be read (the form stays read-only: a local value must not be saved over a policy nobody can see).
let policyState = "reading";
const setByPolicy = (name) => managed[name] !== null && managed[name] !== undefined;

function render() {
  const eff = C.effective(local, managed); // the one rule, from pyapp/contract/table.py
  const known = policyState === "read";
  const locked = !known || managed.lockSettings === true;
  for (const name of PLAIN) if (!edited.has(name)) fill($(name), eff[name]);
  const key = eff.apiKey;
  $("key-hint").textContent = key ? t("keySaved").replace("{last4}", String(key).slice(-4)) : t("keyNone");
  for (const name of EDITABLE) {
    const byAdmin = known && setByPolicy(name);
    $(name).disabled = locked || byAdmin;
    /** @type {HTMLElement} */ (document.querySelector(`.admin[data-for="${name}"]`)).hidden = !(byAdmin || (known && locked));
  }
  $("managed-banner").hidden = !known || !Object.values(managed).some((v) => v !== null && v !== undefined);
  // Locked with no key in the policy: the key saved here before is still the one used. Say so.
  $("lock-local-key").hidden = !(known && managed.lockSettings === true && !setByPolicy("apiKey") && local.apiKey);
  $("policy-status").hidden = known;
  $("policy-status").textContent = policyState === "failed" ? t("policyUnreadable") : t("policyReading");
  for (const id of ["save", "remove"]) $(id).disabled = locked;
  $("remove").disabled ||= !local.apiKey || setByPolicy("apiKey");
}

// The whole policy, read again on every change (an event carries only what changed, and a failed read must not
// leave a stale half behind).
function readPolicy() {
  return chrome.storage.managed.get().then(
    (m) => { managed = m || {}; policyState = "read"; render(); },
    () => { managed = {}; policyState = "failed"; render(); });
}

async function load() {
  local = await chrome.storage.local.get(FIELDS);
  render(); // read-only until the policy is read: the first read after a browser start can take seconds
  readPolicy();
}

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "managed") { readPolicy(); return; }
  if (area !== "local") return;
  for (const [k, c] of Object.entries(changes)) {
    if (!FIELDS.includes(k)) continue;
    if ("newValue" in c) local[k] = c.newValue;
    else delete local[k];
  }
  render();
});

for (const name of EDITABLE) $(name).addEventListener("input", () => edited.add(name));

// The runtime (started by the service worker if it is not running yet) checks the key; one port, opened with
// the page so the runtime is warm by the time a key is pasted.
let runtimePort = null;
let nextCheck = 1;
const waiting = new Map();
async function runtime() {
  if (runtimePort) return runtimePort;
  await chrome.runtime.sendMessage({ kind: "ensure-runtime" }).catch(() => {});
  const p = chrome.runtime.connect({ name: "options" });
  p.onMessage.addListener((m) => {
    if (m?.kind === "answer" && waiting.has(m.id)) waiting.get(m.id)(m.value);
  });
  p.onDisconnect.addListener(() => {
    void chrome.runtime.lastError;
    if (runtimePort === p) runtimePort = null;
    for (const done of waiting.values()) done(null);
  });
  runtimePort = p;
  return p;
}
requestAnimationFrame(() => setTimeout(() => { runtime(); }, 0));

async function checkKey(key) {
  const p = await runtime();
  const id = nextCheck++;
  return new Promise((resolve) => {
    const timer = setTimeout(() => waiting.get(id)?.(null), CHECK_TIMEOUT_MS);
    waiting.set(id, (value) => { clearTimeout(timer); waiting.delete(id); resolve(value); });
    p.postMessage({ kind: "check-key", id, key });
  });
}

function lines(items, cls = "") {
  const list = document.createElement("ul");
  for (const [text, c] of items) {
    const li = document.createElement("li");
    li.textContent = text;
    li.className = c || cls;
    list.append(li);
  }
  return list;
}

function show(...nodes) {
  $("result").replaceChildren(...nodes);
}

function paragraph(text, cls) {
  const p = document.createElement("p");
  p.textContent = text;
  p.className = cls;
  return p;
}

async function check(key) {
  let result;
  try {
    result = await checkKey(key);
    if (!result || typeof result !== "object") throw new Error("no-answer");
  } catch {
    return { works: false, failed: true, lines: [[t("checkFailed", "The check could not be run. Reload the page to try again."), "bad"]] };
  }
  const mark = (v) => (v === true ? "✓" : v === false ? "✗" : "?");
  const line = (name, v, ok, bad) => (v === null || v === undefined
    ? [`${t(name)} ?: ${t("scopeUnknown")}`, "warn"]
    : [`${t(name)} ${mark(v)}: ${v ? t(ok) : t(bad)}`, v ? "ok" : "bad"]);
  const out = [];
  const summary = result.problem ? [t(result.problem), "warn"] : result.works ? null : [t("keyRejectedAll"), "bad"];
  out.push(line("scopeReturns", result.returns, "scopeReturnsOk", "scopeReturnsMissing"));
  out.push(line("scopeOrders", result.orders, "scopeOrdersOk", "scopeOrdersMissing"));
  const drafts = line("scopeDrafts", result.draft_returns, "scopeDraftsOk", "scopeDraftsMissing");
  if (result.draft_returns === false) drafts[1] = "warn"; // optional scope
  out.push(drafts);
  return { ...result, summary, lines: out };
}

function typedOrSavedKey() {
  return $("apiKey").value.trim() || C.effective(local, managed).apiKey || "";
}

$("test").addEventListener("click", async () => {
  const key = typedOrSavedKey();
  if (!key) return show(lines([[t("keyNone")]], "bad"));
  show(paragraph(t("checking", "Checking the key with Loop…"), ""));
  const result = await check(key);
  show(lines(result.summary ? [result.summary, ...result.lines] : result.lines));
});

async function save() {
  if (policyState !== "read" || managed.lockSettings === true) return; // read-only (the button is disabled too)
  const values = Object.fromEntries(PLAIN.map((name) => [name, read($(name))]));
  const typed = $("apiKey").value.trim();
  if (typed) values.apiKey = typed;
  for (const name of Object.keys(managed)) if (setByPolicy(name)) delete values[name]; // never stored here
  await chrome.storage.local.set(values);
  edited.clear();
  $("apiKey").value = "";
  render();
  const saved = paragraph(t("saved", "Saved."), "ok");
  show(saved);
  if (!typed) return;
  const verdict = paragraph(t("checking", "Checking the key with Loop…"), "");
  show(saved, verdict);
  const result = await check(typed);
  if (result.failed) return show(saved, lines(result.lines));
  const head = result.works ? ["savedKeyWorks", "ok"] : result.problem ? ["savedKeyUnchecked", "warn"]
    : ["savedKeyRejected", "bad"];
  const problem = result.problem ? [[t(result.problem), "warn"]] : [];
  show(saved, paragraph(t(head[0]), head[1]), lines([...problem, ...result.lines]));
}

$("settings").addEventListener("submit", (e) => {
  e.preventDefault();
  save().catch(() => show(lines([[t("errUnexpected")]], "bad")));
});
$("remove").addEventListener("click", async () => {
  await chrome.storage.local.remove("apiKey");
  show(lines([[t("keyRemoved", "Key removed.")]]));
});

load();
