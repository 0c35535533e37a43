// Options page: the settings form over chrome.storage.local; enterprise policy (storage.managed) wins field by
// field, shows as "Set by your administrator" and locks those fields (or all of them with lockSettings).
// The key check is Python (pyapp.loop_client.LoopClient.check_key), started the first time it is needed so
// that the page itself opens at once. The key is never written back into the page: only its last 4 characters.
import { startPython } from "/shared/start-python.js";

const FIELDS = ["enabled", "apiKey", "lookupField", "lockSettings"];
const $ = (id) => document.getElementById(id);
const t = (key, fallback = "") => chrome.i18n.getMessage(key) || fallback;
let local = {};
let managed = {};
let python = null;

for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n, el.textContent);

function effective() {
  return { enabled: true, lookupField: "email", ...local, ...managed };
}

function render() {
  const eff = effective();
  const locked = managed.lockSettings === true;
  $("enabled").checked = eff.enabled !== false;
  $("lookupField").value = eff.lookupField || "email";
  const key = eff.apiKey;
  $("key-hint").textContent = key ? t("keySaved").replace("{last4}", String(key).slice(-4)) : t("keyNone");
  for (const name of ["enabled", "apiKey", "lookupField"]) {
    const byAdmin = name in managed;
    $(name).disabled = locked || byAdmin;
    document.querySelector(`.admin[data-for="${name}"]`).hidden = !(byAdmin || locked);
  }
  $("managed-banner").hidden = Object.keys(managed).length === 0;
  for (const id of ["save", "remove"]) $(id).disabled = locked;
  $("remove").disabled ||= !local.apiKey || "apiKey" in managed;
}

async function load() {
  local = await chrome.storage.local.get(FIELDS);
  render();
  // The first managed read can take seconds after browser start: never hold the form for it.
  chrome.storage.managed.get().then((m) => { managed = m || {}; render(); }).catch(() => {});
}

chrome.storage.onChanged.addListener((changes, area) => {
  const target = area === "local" ? local : area === "managed" ? managed : null;
  if (!target) return;
  for (const [k, c] of Object.entries(changes)) {
    if ("newValue" in c) target[k] = c.newValue;
    else delete target[k];
  }
  render();
});

function pythonReady() {
  python ||= new Promise((resolve, reject) => {
    addEventListener("loop:options-python-ready", resolve, { once: true });
    startPython("/options/main.py").catch(reject);
  });
  return python;
}

function show(lines, cls = "") {
  const list = document.createElement("ul");
  for (const [text, c] of lines) {
    const li = document.createElement("li");
    li.textContent = text;
    li.className = c || cls;
    list.append(li);
  }
  $("result").replaceChildren(list);
}

async function check(key) {
  show([[t("checking", "Checking the key with Loop…")]]);
  let result;
  try {
    await pythonReady();
    result = JSON.parse(await globalThis.loopCheckKey(key));
  } catch {
    show([[t("checkFailed", "The check could not be run. Try again in a moment.")]], "bad");
    return { works: false, problem: "checkFailed" };
  }
  const mark = (v) => (v === true ? "✓" : v === false ? "✗" : "?");
  const line = (name, v, ok, bad) => (v === null || v === undefined
    ? [`${t(name)} ?: ${t("scopeUnknown")}`, "warn"]
    : [`${t(name)} ${mark(v)}: ${v ? t(ok) : t(bad)}`, v ? "ok" : "bad"]);
  const lines = [];
  if (result.problem) lines.push([t(result.problem), "warn"]);
  else if (!result.works) lines.push([t("keyRejectedAll"), "bad"]);
  lines.push(line("scopeReturns", result.returns, "scopeReturnsOk", "scopeReturnsMissing"));
  lines.push(line("scopeOrders", result.orders, "scopeOrdersOk", "scopeOrdersMissing"));
  const drafts = line("scopeDrafts", result.draft_returns, "scopeDraftsOk", "scopeDraftsMissing");
  if (result.draft_returns === false) drafts[1] = "warn"; // optional scope
  lines.push(drafts);
  show(lines);
  return result;
}

function typedOrSavedKey() {
  return $("apiKey").value.trim() || effective().apiKey || "";
}

$("test").addEventListener("click", async () => {
  const key = typedOrSavedKey();
  if (!key) return show([[t("keyNone")]], "bad");
  await check(key);
});

async function save(skipCheck = false) {
  const values = { enabled: $("enabled").checked, lookupField: $("lookupField").value };
  const typed = $("apiKey").value.trim();
  if (typed && !skipCheck) {
    const result = await check(typed);
    if (!result.works) {
      $("confirm-text").textContent = result.problem ? t("checkUnreachable") : t("confirmText");
      $("confirm").hidden = false;
      $("confirm-save").focus();
      return;
    }
  }
  if (typed) values.apiKey = typed;
  for (const name of Object.keys(managed)) delete values[name];
  await chrome.storage.local.set(values);
  $("apiKey").value = "";
  $("confirm").hidden = true;
  const status = document.createElement("p");
  status.className = "ok";
  status.textContent = t("saved", "Saved.");
  $("result").append(status);
}

$("settings").addEventListener("submit", (e) => {
  e.preventDefault();
  save().catch(() => show([[t("errUnexpected")]], "bad"));
});
$("confirm-save").addEventListener("click", () => save(true));
$("confirm-cancel").addEventListener("click", () => { $("confirm").hidden = true; });
$("remove").addEventListener("click", async () => {
  await chrome.storage.local.remove("apiKey");
  show([[t("keyRemoved", "Key removed.")]]);
});

load();
