// The offline worker: after a first visit, the app loads with no network.
//
// It keeps exactly the files of the build it belongs to, listed with their
// SHA-256 digests in BUILD, which scripts/post-build.mjs writes into this
// file after every `trunk build`. A new build therefore makes a new worker
// script; the browser installs it, it caches that build's files under a
// cache named after the build, and once it takes over it deletes the caches
// of earlier builds. Navigations go to the network first, so a new deploy
// is seen as soon as there is a network, and fall back to the cached
// index.html when the network fails or is slow; the build's other files
// (whose names Trunk makes from their contents) come from the cache first.
//
// Every URL is taken relative to the worker's scope (the folder sw.js is
// served from), so the app works offline from a sub-path as well.
"use strict";

const BUILD = __SPAN_ANNOTATOR_BUILD__;

const SCOPE = self.registration.scope;
// Several deployments can share one origin at different paths: each keeps,
// and cleans up, only its own caches.
const PREFIX = `span-annotator ${SCOPE} `;
const CACHE = PREFIX + BUILD.id;
const INDEX = new URL("index.html", SCOPE).href;
const FILES = new Set(Object.keys(BUILD.files).map((path) => new URL(path, SCOPE).href));
// How long a navigation waits for the network before the cached page is
// shown: long enough for a slow network, short enough to feel offline.
const NAVIGATION_TIMEOUT_MS = 3000;

const sha256 = async (response) => {
  const digest = await crypto.subtle.digest("SHA-256", await response.clone().arrayBuffer());
  return `sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}`;
};

// Install fails, and the worker of the previous build stays in charge, unless
// every file fetched is byte for byte the one this build listed: the server
// may already hold a newer deploy, and a cache mixing two builds would not load.
const cacheBuild = async () => {
  const cache = await caches.open(CACHE);
  try {
    await Promise.all(
      Object.entries(BUILD.files).map(async ([path, digest]) => {
        const url = new URL(path, SCOPE);
        const response = await fetch(url, { cache: "no-cache" });
        if (!response.ok) {
          throw new Error(`${path}: HTTP ${response.status}`);
        }
        const actual = await sha256(response);
        if (actual !== digest) {
          throw new Error(`${path} is not this build's (${actual}, listed ${digest})`);
        }
        await cache.put(url, response);
      }),
    );
  } catch (error) {
    await caches.delete(CACHE);
    throw error;
  }
};

self.addEventListener("install", (event) => {
  // The app loads all its files at start, so an open page of the previous
  // build never asks for one of them later: the new worker can take over.
  event.waitUntil(cacheBuild().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) {
          await caches.delete(name);
        }
      }
      // Serve the page that registered the worker too, without a reload.
      await self.clients.claim();
    })(),
  );
});

const fromNetworkFirst = async (request) => {
  const network = fetch(request);
  // Answered from the cache after a timeout, the network's late failure
  // is expected, not an error.
  network.catch(() => {});
  const timeout = new Promise((resolve) => setTimeout(resolve, NAVIGATION_TIMEOUT_MS));
  try {
    const response = await Promise.race([network, timeout]);
    if (response) {
      return response;
    }
  } catch {
    // No network: the cached page below.
  }
  const cached = await caches.match(INDEX, { cacheName: CACHE });
  return cached ?? network;
};

const fromCacheFirst = async (request) =>
  (await caches.match(request, { cacheName: CACHE, ignoreSearch: true })) ?? fetch(request);

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || !request.url.startsWith(SCOPE)) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fromNetworkFirst(request));
    return;
  }
  const url = new URL(request.url);
  url.search = "";
  if (FILES.has(url.href)) {
    event.respondWith(fromCacheFirst(request));
  }
});
