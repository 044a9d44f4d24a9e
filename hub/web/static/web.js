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

// One document for every live page; what a page listens to is in its variables (the filter
// the server rendered into #results' data-live), so that every browser on the same page sends
// the same operation and the hub can execute it once for all of them.
const LIVE_DOCUMENT =
  "subscription Live($filter: EntryEventFilter, $after: String) { " +
  "entryEvents(filter: $filter, after: $after) { id type kind entryId " +
  "entry { verificationStatus updatedAt region { province city } } } }";
// The hub takes at most this many ids in a filter (hub/graphql/filters.py).
const MAX_FOLLOWED_ROWS = 50;
// Of the hub's 20 operations per connection (HUB_LIVE_MAX_SUBSCRIPTIONS): the list's, these,
// and one more while they are folded into one.
const MAX_ROW_SUBSCRIPTIONS = 8;
// What an entry's pending fetch finds when an event said it left the list meanwhile.
const GONE = "gone";

function liveLists() {
  const results = document.getElementById("results");
  if (!results || !results.dataset.live || !window.WebSocket || !window.fetch) return;
  // hub/web/live_pages.py says what each key means.
  const config = JSON.parse(results.dataset.live);
  const status = document.querySelector(".live-status");
  const counts = config.counts ? document.querySelector("[data-live=counts]") : null;
  const seen = new Set();
  const fetching = new Map();
  let socket = null;
  let retry = 1000;
  let serial = 0;
  let lastEvent = null;
  let rowSubscriptions = [];
  let refreshTimer = null;
  let countsBusy = false;
  let countsAt = 0;
  let countsAgain = null;

  function say(key) {
    if (status && status.dataset[key]) status.textContent = status.dataset[key];
  }

  // Tests wait on this (the number of events fully handled), never on time.
  function handled() {
    document.body.dataset.liveEvents = String(Number(document.body.dataset.liveEvents || 0) + 1);
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  // `resume` after a reconnection: first what was missed since the last event handled.
  function subscribe(prefix, filter, resume) {
    serial += 1;
    const id = prefix + "-" + serial;
    const variables = { filter: filter };
    if (resume && lastEvent !== null) variables.after = lastEvent;
    send({ id: id, type: "subscribe", payload: { query: LIVE_DOCUMENT, variables: variables } });
    return id;
  }

  function shownRows() {
    return Array.from(results.querySelectorAll("li[data-entry-id]"));
  }

  function rowOf(entryId) {
    return shownRows().find((row) => row.dataset.entryId === entryId) || null;
  }

  // The shown rows have subscriptions of their own: the page's filter stops letting through an
  // entry that leaves it (expired, rejected, edited back to PENDING), and its row must go. A
  // new row gets a subscription for itself rather than a new one for all rows, which would need
  // `after` (a replay read per browser) to lose nothing while one ends and the other starts;
  // every browser on the page adds the same one, so they still share shapes. Past
  // MAX_ROW_SUBSCRIPTIONS they are folded into one (the new one starts before the old end).
  function followRows(resume) {
    if (config.insert === "refresh") return;
    const shown = shownRows().slice(0, MAX_FOLLOWED_ROWS).map((row) => row.dataset.entryId);
    const followed = new Set(rowSubscriptions.flatMap((sub) => sub.ids));
    const missing = shown.filter((entryId) => !followed.has(entryId)).sort();
    if (!missing.length) return;
    if (rowSubscriptions.length < MAX_ROW_SUBSCRIPTIONS) {
      const id = subscribe("rows", { entryIds: missing }, resume);
      rowSubscriptions.push({ id: id, ids: missing });
      return;
    }
    const all = shown.sort();
    const id = subscribe("rows", { entryIds: all }, resume);
    for (const sub of rowSubscriptions) send({ id: sub.id, type: "complete" });
    rowSubscriptions = [{ id: id, ids: all }];
  }

  function belongs(entry) {
    return Boolean(entry) &&
      config.statuses.includes(entry.verificationStatus) &&
      (entry.region.province === config.nationwide ||
        ((!config.province || entry.region.province === config.province) &&
          (!config.city || entry.region.city === config.city)));
  }

  function adjustCount(by) {
    const count = results.querySelector("[data-live-count]");
    if (!count) return;
    const n = Math.max(0, Number(count.textContent) + by);
    count.textContent = String(n);
    // The word after it follows the count's plural form ("1 result", "2 results").
    const word = results.querySelector("[data-live-count-word]");
    if (word && window.Intl && Intl.PluralRules) {
      const form = new Intl.PluralRules(document.documentElement.lang || "zh").select(n);
      word.textContent = form === "one" ? word.dataset.one : word.dataset.other;
    }
  }

  function removeRow(row) {
    row.remove();
    adjustCount(-1);
    say("liveUpdated");
  }

  function rowTime(row) {
    const time = row.querySelector("time[datetime]");
    return time ? new Date(time.getAttribute("datetime")).getTime() : 0;
  }

  // Both orders put the highest first: the newest update, or the highest priority score.
  function rowOrder(row) {
    return config.insert === "rank" ? Number(row.dataset.rank || 0) : rowTime(row);
  }

  // Lists ordered by last update: an entry older than the last row, when later pages exist,
  // belongs on one of them (known from the event, so no request is made for it).
  function fitsPage(entry) {
    if (config.insert !== "time") return true;
    const rows = shownRows();
    return !config.more || !rows.length ||
      new Date(entry.updatedAt).getTime() >= rowTime(rows[rows.length - 1]);
  }

  // The fresh row in its place; false when it belongs after this page's last row.
  function insertRow(fresh) {
    const rows = shownRows();
    const when = rowOrder(fresh);
    const before = rows.find((row) => rowOrder(row) < when);
    const full = config.more || (config.limit && rows.length >= config.limit);
    if (!before && full && rows.length) return false;
    let list = results.querySelector("ul.rows");
    if (!list) {
      list = document.createElement("ul");
      list.className = "rows";
      const empty = results.querySelector("[data-live-empty]");
      if (empty) empty.replaceWith(list);
      else results.appendChild(list);
    }
    list.insertBefore(fresh, before || null);
    // The home page shows the top few: the last one leaves it.
    if (config.limit) shownRows().slice(config.limit).forEach((row) => row.remove());
    return true;
  }

  // One request: the entry's row as the list renders it; 404 when the list would not show it.
  async function fetchRow(event, withCounts) {
    const params = new URLSearchParams(config.fragment);
    params.set("at", event.id);
    // The home page: an event that moves the counts too gets them in the same response.
    if (withCounts) params.set("counts", "1");
    const response = await fetch(
      "/fragments/entries/" + encodeURIComponent(event.entryId) + "?" + params,
      { credentials: "same-origin", cache: "no-cache" },
    );
    const row = rowOf(event.entryId);
    if (response.status === 404) {
      if (row) removeRow(row);
      return;
    }
    if (!response.ok) return;
    const template = document.createElement("template");
    template.innerHTML = (await response.text()).trim();
    const countsPart = template.content.querySelector("template[data-live-counts]");
    if (countsPart) {
      showCounts(countsPart.innerHTML, event.id);
      countsPart.remove();
    }
    const fresh = template.content.querySelector("li[data-entry-id]");
    if (!fresh) {
      // Asked with the counts, a row the list would not show comes back without its row.
      if (withCounts && row) removeRow(row);
      return;
    }
    localTimes(fresh);
    if (row) {
      row.replaceWith(fresh);
      say("liveUpdated");
    } else if (insertRow(fresh)) {
      say("liveMessage");
    }
  }

  // Events about one entry while its row is fetched make one more fetch, not one each.
  async function refreshRow(event, withCounts) {
    const entryId = event.entryId;
    if (fetching.has(entryId)) {
      fetching.set(entryId, event);
      return;
    }
    let next = event;
    let counted = withCounts;
    try {
      while (next) {
        fetching.set(entryId, null);
        await fetchRow(next, counted);
        counted = false;
        next = fetching.get(entryId);
        if (next === GONE) {
          // It left the list while its row was on the way (handle left the row to this).
          const stale = rowOf(entryId);
          if (stale) removeRow(stale);
          break;
        }
      }
    } catch (error) {
      // The row stays as it was; the next event about it fetches it again.
    } finally {
      fetching.delete(entryId);
      followRows();
    }
  }

  // Counts come from two places (their own fragment, or with a row): the newest event wins.
  function showCounts(html, eventId) {
    if (!counts || Number(eventId) < countsAt) return;
    countsAt = Number(eventId);
    counts.innerHTML = html;
  }

  async function refreshCounts(eventId) {
    if (countsBusy) {
      countsAgain = eventId;
      return;
    }
    countsBusy = true;
    try {
      let at = eventId;
      while (at !== null) {
        countsAgain = null;
        const response = await fetch("/fragments/counts?at=" + encodeURIComponent(at), {
          credentials: "same-origin",
          cache: "no-cache",
        });
        if (response.ok) showCounts(await response.text(), at);
        at = countsAgain;
      }
    } catch (error) {
      // The counts stay; the next event that can move them fetches them again.
    } finally {
      countsBusy = false;
    }
  }

  // The review queue: reviewers are few, and its order and forms are the server's.
  async function refreshPage() {
    refreshTimer = null;
    const response = await fetch(location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("results");
    if (fresh) results.innerHTML = fresh.innerHTML;
    localTimes(results);
    say("liveMessage");
  }

  function remember(eventId) {
    seen.add(eventId);
    if (seen.size > 500) seen.delete(seen.values().next().value);
    if (lastEvent === null || Number(eventId) > Number(lastEvent)) lastEvent = eventId;
  }

  function adds(event) {
    if (config.insert === "time") return true;
    return config.insert === "rank" && config.newEvents.includes(event.type);
  }

  async function handle(event) {
    // The list's and the rows' subscriptions both deliver an event about a shown row.
    if (seen.has(event.id)) return;
    remember(event.id);
    if (config.insert === "refresh") {
      if (refreshTimer === null) refreshTimer = setTimeout(refreshPage, 300);
      handled();
      return;
    }
    const work = [];
    let countsMove = counts !== null && config.counts.includes(event.type);
    const row = rowOf(event.entryId);
    const shown = !config.kinds || config.kinds.includes(event.kind);
    if (shown && !belongs(event.entry)) {
      if (row) countsMove = counts !== null;
      if (fetching.has(event.entryId)) {
        // Its row is on the way: removed once it has landed (refreshRow), counted once.
        fetching.set(event.entryId, GONE);
      } else if (row) {
        removeRow(row);
        followRows();
      }
    } else if (shown && row) {
      // One request for the row and the counts it moves (refreshRow marks it fetching).
      const alone = !fetching.has(event.entryId);
      work.push(refreshRow(event, countsMove && alone));
      if (alone) countsMove = false;
    } else if (shown && adds(event)) {
      // New to the list, wherever its row goes (counted once, by the event that added it).
      if (config.newEvents.includes(event.type)) adjustCount(1);
      if (fitsPage(event.entry)) {
        const alone = !fetching.has(event.entryId);
        work.push(refreshRow(event, countsMove && alone));
        if (alone) countsMove = false;
      }
    }
    if (countsMove) work.push(refreshCounts(event.id));
    await Promise.all(work);
    handled();
  }

  function connect() {
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/graphql";
    socket = new WebSocket(url, "graphql-transport-ws");
    socket.onopen = () => socket.send(JSON.stringify({ type: "connection_init" }));
    socket.onmessage = (message) => {
      const data = JSON.parse(message.data);
      if (data.type === "connection_ack") {
        retry = 1000;
        if (config.filter !== null) subscribe("list", config.filter, true);
        rowSubscriptions = [];
        followRows(true);
        document.body.dataset.live = "on";
      } else if (data.type === "ping") {
        send({ type: "pong" });
      } else if (data.type === "next" && data.payload && data.payload.data) {
        handle(data.payload.data.entryEvents);
      } else if (data.type === "error" && lastEvent !== null) {
        // A resume point too old to replay: start afresh, and say the page may be behind.
        lastEvent = null;
        say("liveChanged");
        socket.close();
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

// Place pickers: a province chosen from its list brings the list of its cities (or, for a
// municipality, its districts), and a city the list of its districts, from /regions/<code>.json.
// The fields stay free text: the API reads whatever is typed against the same list.
function regionPickers(root) {
  const codeOf = (input) => {
    const list = input.list;
    if (!list) return null;
    const option = Array.from(list.options).find((o) => o.value === input.value.trim());
    return option ? option.dataset.code : null;
  };
  const fill = (group, part, children) => {
    const list = document.getElementById(group + "-" + part + "-options");
    if (!list) return;
    list.replaceChildren(
      ...children.map((child) => {
        const option = document.createElement("option");
        option.value = child.name;
        option.dataset.code = child.code;
        return option;
      }),
    );
  };
  const follow = (input) => {
    const group = input.dataset.regionGroup;
    const code = codeOf(input);
    if (input.dataset.region === "province") {
      fill(group, "city", []);
      fill(group, "district", []);
    } else {
      fill(group, "district", []);
    }
    if (!code || code === "100000") return;
    fetch("/regions/" + code + ".json")
      .then((response) => (response.ok ? response.json() : null))
      .then((found) => {
        if (!found) return;
        if (input.dataset.region === "province" && found.flat) {
          // 北京市: the city is the municipality itself, its districts come right under it.
          fill(group, "city", [{ name: found.name, code: found.code }]);
          fill(group, "district", found.children);
        } else if (input.dataset.region === "province") {
          fill(group, "city", found.children);
          // A city already written (an edit form, a form sent back) brings its districts.
          const city = root.querySelector(
            'input[data-region="city"][data-region-group="' + group + '"]',
          );
          if (city && city.value) follow(city);
        } else {
          fill(group, "district", found.children);
        }
      })
      .catch(() => {});
  };
  for (const input of root.querySelectorAll("input[data-region]")) {
    if (input.dataset.region === "district") continue;
    input.addEventListener("change", () => follow(input));
    if (input.value && input.dataset.region === "province") follow(input);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  localTimes(document);
  regionPickers(document);
  liveLists();
  const errors = document.getElementById("form-errors");
  if (errors) errors.focus();
});
