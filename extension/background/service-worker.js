// Service worker: install-time chores and the toolbar icon only. It holds no state and relays nothing; the panel reads the key
// and calls Loop itself (extension pages share the extension's host permissions).

// The key (in storage.local, or pushed by policy into storage.managed) is for extension pages only: content
// scripts must not be able to read it (SECURITY.md). setAccessLevel covers local and managed since Chrome 140,
// the manifest's minimum_chrome_version.
for (const area of [chrome.storage.local, chrome.storage.managed]) {
  area.setAccessLevel?.({ accessLevel: "TRUSTED_CONTEXTS" }).catch(() => {});
}

// The toolbar icon has no popup: it opens the settings, where an admin expects them.
chrome.action.onClicked.addListener(() => {
  chrome.runtime.openOptionsPage().catch(() => {});
});

chrome.runtime.onInstalled.addListener(({ reason }) => {
  if (reason === chrome.runtime.OnInstalledReason.INSTALL) {
    chrome.runtime.openOptionsPage().catch(() => {});
  }
});
