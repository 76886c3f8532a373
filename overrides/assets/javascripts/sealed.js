// Sealed private pages (SPEC §11): open the page whose ciphertext stands beside this shell
// with the key in the link's fragment (#k=…), which the browser never sends to a server.
// The layout of a sealed file is src/invoicepub/seal.py's: one version byte, a 96-bit
// nonce, then AES-256-GCM ciphertext and tag, its file name authenticated with it.
// Only WebCrypto decrypts; nothing here is cryptography of its own.
"use strict";
(() => {
  const VERSION = 1;
  const NONCE_BYTES = 12;
  const AAD_LABEL = "invoicepub sealed file v1\x1f";
  const SUFFIX = ".sealed";
  const shell = document.querySelector("[data-sealed-file]");
  if (!shell) return;

  // "#k=<43 base64url characters>", then "&<anchor>" for a place on the page.
  const match = /^#k=([A-Za-z0-9_-]{43})(?:&(.*))?$/.exec(location.hash);

  // "no-key": the sealed heading and how to open the page; "failed": could not be opened;
  // "": nothing while the page opens.
  const show = (state) => {
    for (const block of shell.querySelectorAll("[data-sealed-state]")) {
      block.hidden = !block.dataset.sealedState.split(" ").includes(state);
    }
  };

  const keyBytes = (text) => {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=");
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  };

  const aad = (name) => {
    const label = new TextEncoder().encode(AAD_LABEL + name.split("/").pop());
    const bytes = new Uint8Array(label.length + 1);
    bytes[0] = VERSION;
    bytes.set(label, 1);
    return bytes;
  };

  // The content of the sealed file at `url`, whose own name is `name` (without ".sealed").
  const open = async (key, url, name) => {
    const response = await fetch(url, { cache: "no-cache", credentials: "same-origin" });
    if (!response.ok) throw new Error(`${response.status}`);
    const blob = new Uint8Array(await response.arrayBuffer());
    performance.mark("sealed:fetched");
    if (blob.length < 1 + NONCE_BYTES + 16 || blob[0] !== VERSION) throw new Error("not sealed");
    const iv = blob.subarray(1, 1 + NONCE_BYTES);
    return crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: aad(name) }, key, blob.subarray(1 + NONCE_BYTES));
  };

  // The page's own scripts, once its body stands: a parsed document's scripts never run, so
  // each one of this site (a src, never inline code) is loaded again, attributes and order kept.
  const runScripts = (root) => {
    for (const old of root.querySelectorAll("script[src]")) {
      const script = document.createElement("script");
      for (const { name, value } of old.attributes) script.setAttribute(name, value);
      script.async = false;
      old.replaceWith(script);
    }
  };

  const show_page = (html) => {
    const page = new DOMParser().parseFromString(html, "text/html");
    document.documentElement.lang = page.documentElement.lang;
    document.title = page.title;
    // What the shell's head lacks (the icon, JSON-LD); its own policy and metas stay.
    const present = new Set([...document.head.children].map((e) => e.outerHTML));
    for (const element of [...page.head.children]) {
      if (element.matches("title, meta, script[src]") || present.has(element.outerHTML)) continue;
      document.head.append(document.adoptNode(element));
    }
    document.body.replaceWith(document.adoptNode(page.body));
    runScripts(document.body);
  };

  // A place on the page (#pay): scrolled to without touching the fragment that holds the key.
  const goTo = (id, focus) => {
    const target = id && document.getElementById(decodeURIComponent(id));
    if (!target) return false;
    target.scrollIntoView();
    if (focus) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
    }
    return true;
  };

  const download = async (key, link) => {
    const url = new URL(link.getAttribute("href"), location.href);
    const name = decodeURIComponent(url.pathname.split("/").pop()).slice(0, -SUFFIX.length);
    const content = await open(key, url, name);
    const file = URL.createObjectURL(new Blob([content], { type: link.type || "application/octet-stream" }));
    const save = document.createElement("a");
    save.href = file;
    save.download = link.getAttribute("download") || name;
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(file), 60000);
  };

  const listen = (key) => {
    document.addEventListener("click", (event) => {
      const link = event.target.closest && event.target.closest("a[href]");
      if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      const href = link.getAttribute("href");
      if (href.startsWith("#")) {
        event.preventDefault(); // the fragment holds the key: it stays as it is
        goTo(href.slice(1), true);
      } else if (link.hasAttribute("download") && href.split("#")[0].endsWith(SUFFIX)) {
        event.preventDefault();
        download(key, link).catch(() => window.alert(shell.querySelector("[data-sealed-state=failed] h1").textContent));
      }
    });
  };

  const start = async () => {
    if (!match) return show("no-key");
    try {
      performance.mark("sealed:start");
      const key = await crypto.subtle.importKey("raw", keyBytes(match[1]), "AES-GCM", false, ["decrypt"]);
      const file = shell.dataset.sealedFile;
      const html = new TextDecoder("utf-8", { fatal: true }).decode(await open(key, new URL(file, location.href), file.slice(0, -SUFFIX.length)));
      performance.mark("sealed:decrypted");
      listen(key);
      show_page(html);
      performance.mark("sealed:opened");
      if (!goTo(match[2], false)) {
        const heading = document.querySelector("main h1");
        if (heading) {
          heading.setAttribute("tabindex", "-1");
          heading.focus({ preventScroll: true });
        }
      }
    } catch (error) {
      show("failed");
    }
  };

  // A link pasted into this tab over a shorter one changes only the fragment: open it afresh.
  window.addEventListener("hashchange", () => location.reload());
  if (match) show("");
  start();
})();
