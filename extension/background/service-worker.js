// Service worker: install-time chores only. It holds no state and relays nothing; the panel reads the key
// and calls Loop itself (extension pages share the extension's host permissions).

// The key in storage.local is for extension pages only; content scripts must not read it (SECURITY.md).
chrome.storage.local.setAccessLevel?.({ accessLevel: "TRUSTED_CONTEXTS" }).catch(() => {});

chrome.runtime.onInstalled.addListener(({ reason }) => {
  if (reason === chrome.runtime.OnInstalledReason.INSTALL) {
    chrome.runtime.openOptionsPage().catch(() => {});
  }
});
