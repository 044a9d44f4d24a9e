// Progressive enhancement: every page works without this file. It adds local times and live
// lists (a GraphQL subscription over the hub's own WebSocket; no third-party code).
"use strict";

function localTimes(root) {
  const lang = document.body.dataset.lang === "en" ? "en" : "zh-CN";
  for (const el of root.querySelectorAll("time[datetime]")) {
    const when = new Date(el.getAttribute("datetime"));
    if (!isNaN(when)) {
      el.title = when.toLocaleString(lang);
      if (el.closest(".history")) el.textContent = when.toLocaleString(lang);
    }
  }
}

function liveLists() {
  const results = document.getElementById("results");
  if (!results || !results.dataset.liveKinds || !window.WebSocket) return;
  const kinds = results.dataset.liveKinds.split(" ");
  const status = document.querySelector(".live-status");
  let retry = 1000;
  let pending = null;

  async function refresh() {
    pending = null;
    const response = await fetch(location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const selector of ["#results", "[data-live=counts]"]) {
      const fresh = page.querySelector(selector);
      const current = document.querySelector(selector);
      if (fresh && current) current.innerHTML = fresh.innerHTML;
    }
    localTimes(document);
    if (status) status.textContent = status.dataset.liveMessage || "";
    document.body.dataset.liveRefreshed = String(Date.now());
  }

  function connect() {
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/graphql";
    const socket = new WebSocket(url, "graphql-transport-ws");
    socket.onopen = () => socket.send(JSON.stringify({ type: "connection_init" }));
    socket.onmessage = (message) => {
      const data = JSON.parse(message.data);
      if (data.type === "connection_ack") {
        retry = 1000;
        socket.send(JSON.stringify({
          id: "live",
          type: "subscribe",
          payload: {
            query: "subscription($kinds: [EntryKind!]) { entryEvents(filter: {kinds: $kinds}) { id } }",
            variables: { kinds: kinds },
          },
        }));
        document.body.dataset.live = "on";
      } else if (data.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      } else if (data.type === "next" && pending === null) {
        pending = setTimeout(refresh, 300);
      }
    };
    socket.onclose = () => {
      document.body.dataset.live = "off";
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }
  connect();
}

document.addEventListener("DOMContentLoaded", () => {
  localTimes(document);
  liveLists();
  const errors = document.getElementById("form-errors");
  if (errors) errors.focus();
});
