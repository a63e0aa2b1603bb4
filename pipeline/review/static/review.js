// Review page: keyboard navigation, saving reviews, re-checking edits as they are typed, the order
// of the segments (most urgent first or document order, kept in the URL and localStorage) and text
// boxes that grow with their text.
// Everything from the server is put in the page with textContent, never as HTML.
"use strict";
(() => {
  const token = document.querySelector('meta[name="review-token"]').content;
  const issue = document.querySelector(".bar").dataset.issue;
  const reviewer = document.getElementById("reviewer");
  const filter = document.getElementById("filter");
  const progress = document.getElementById("progress");
  const order = document.getElementById("order");
  const REVIEWED = ["approved", "edited", "rejected"];
  const allRows = () => Array.from(document.querySelectorAll("article.seg"));
  const visibleRows = () => allRows().filter((row) => !row.classList.contains("hidden"));
  let current = null;
  const checkTimers = new Map();

  const remembered = localStorage.getItem("review-reviewer");
  if (remembered) reviewer.value = remembered;
  reviewer.addEventListener("change", () => localStorage.setItem("review-reviewer", reviewer.value.trim()));

  // Text boxes as tall as their text: all heights reset, then all read (one layout), then all set.
  function grow(areas) {
    const shown = areas.filter((area) => area.offsetParent !== null);
    for (const area of shown) area.style.height = "auto";
    const heights = shown.map((area) => area.scrollHeight + area.offsetHeight - area.clientHeight);
    shown.forEach((area, k) => (area.style.height = `${heights[k]}px`));
  }
  const growAll = () => grow(Array.from(document.querySelectorAll("article.seg textarea")));

  // Order: "severity" (the server's default) or "document"; the URL's ?order= wins over localStorage.
  function applyOrder(value, remember = true) {
    const key = value === "document" ? "position" : "rank";
    const rows = allRows().sort((a, b) => Number(a.dataset[key]) - Number(b.dataset[key]));
    document.querySelector(".segments").append(...rows);
    order.value = value;
    const url = new URL(window.location.href);
    if (value === "document") url.searchParams.set("order", value);
    else url.searchParams.delete("order");
    history.replaceState(null, "", url);
    if (remember) localStorage.setItem("review-order", value);
    if (current) current.scrollIntoView({ block: "center" });
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Review-Token": token },
      body: JSON.stringify(body),
    });
    let data;
    try {
      data = await response.json();
    } catch (error) {
      data = { error: `HTTP ${response.status}` };
    }
    return { code: response.status, data };
  }

  function select(row) {
    if (!row) return;
    if (current) current.classList.remove("current");
    current = row;
    row.classList.add("current");
    row.scrollIntoView({ block: "center" });
  }

  function move(step) {
    const rows = visibleRows();
    if (!rows.length) return;
    const at = rows.indexOf(current);
    select(at < 0 ? rows[0] : rows[Math.max(0, Math.min(rows.length - 1, at + step))]);
  }

  function message(row, text, isError = false) {
    const box = row.querySelector(".message");
    box.textContent = text;
    box.classList.toggle("error", isError);
  }

  function showFlags(row, flags) {
    const list = document.createElement("ul");
    list.className = "flags";
    for (const flag of flags) {
      const item = document.createElement("li");
      item.className = `flag ${flag.severity}`;
      const name = document.createElement("b");
      name.textContent = flag.check;
      item.append(name, ` ${flag.message}`);
      if (flag.evidence) {
        const mark = document.createElement("mark");
        mark.textContent = flag.evidence;
        item.append(" ", mark);
      }
      list.append(item);
    }
    row.querySelector(".checks .flags").replaceWith(list);
    row.dataset.reasons = [...new Set(flags.map((flag) => flag.check))].sort().join(" ");
  }

  function showSaved(data) {
    for (const id of data.ids) {
      const row = document.getElementById(id);
      if (!row) continue;
      row.dataset.revision = data.revision;
      row.dataset.status = data.status;
      row.className = row.className.replace(/\bstatus-\S+/, `status-${data.status}`);
      row.querySelector(".checks .badge").textContent = data.status;
      let by = row.querySelector(".checks .by");
      if (!by) {
        by = document.createElement("span");
        by.className = "by";
        row.querySelector(".checks .badge").after(" ", by);
      }
      by.textContent = `by ${data.reviewer}, ${data.reviewed_at}`;
      row.querySelector("textarea").value = data.text;
      grow([row.querySelector("textarea")]);
      row.querySelector(".conflict")?.remove();
      showFlags(row, data.flags);
    }
    progress.textContent = data.progress.summary;
  }

  function showConflict(row, current) {
    let box = row.querySelector(".conflict");
    if (!box) {
      box = document.createElement("div");
      box.className = "conflict";
      row.querySelector(".target").append(box);
    }
    box.textContent =
      `${current.reviewer || "Someone"} saved this segment meanwhile (${current.status}, revision ${current.revision}):\n` +
      `${current.text}\nSave again to replace it with your text.`;
    row.dataset.revision = current.revision;
  }

  async function save(row, action) {
    const area = row.querySelector("textarea");
    if (!area) return;
    const name = reviewer.value.trim();
    if (!name) {
      message(row, "enter your name as reviewer first", true);
      reviewer.focus();
      return;
    }
    const status = action === "reject" ? "rejected" : area.value !== row.dataset.machine ? "edited" : "approved";
    const body = {
      status,
      text: status === "edited" ? area.value : null,
      revision: row.dataset.revision === undefined ? null : Number(row.dataset.revision),
      reviewer: name,
    };
    message(row, "saving…");
    const { code, data } = await post(`/api/issues/${issue}/segments/${row.dataset.id}`, body);
    if (code === 200) {
      showSaved(data);
      message(row, `saved (${data.status})`);
    } else if (code === 409) {
      showConflict(row, data.current);
      message(row, "not saved: changed by someone else", true);
    } else {
      message(row, data.error || `HTTP ${code}`, true);
    }
  }

  async function check(row) {
    const area = row.querySelector("textarea");
    const { code, data } = await post(`/api/issues/${issue}/segments/${row.dataset.id}/check`, { text: area.value });
    if (code === 200) showFlags(row, data.flags);
    else message(row, data.error || `HTTP ${code}`, true);
  }

  function applyFilter() {
    const value = filter.value;
    for (const row of allRows()) {
      const shown =
        value === "all" ||
        (value === "flagged" && row.dataset.flagged === "yes") ||
        (value === "unreviewed" && !REVIEWED.includes(row.dataset.status)) ||
        (value.startsWith("reason:") && row.dataset.reasons.split(" ").includes(value.slice(7)));
      row.classList.toggle("hidden", !shown);
    }
    if (current && current.classList.contains("hidden")) move(0);
    growAll();
  }

  filter.addEventListener("change", applyFilter);
  order.addEventListener("change", () => applyOrder(order.value));
  const stored = localStorage.getItem("review-order");
  if (!new URL(window.location.href).searchParams.has("order") && stored === "document") applyOrder(stored, false);
  growAll();
  let resizing = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(resizing);
    resizing = requestAnimationFrame(growAll);
  });

  document.addEventListener("click", (event) => {
    const row = event.target.closest("article.seg");
    if (!row) return;
    if (row !== current) select(row);
    if (event.target.matches("button.approve")) save(row, "approve");
    if (event.target.matches("button.reject")) save(row, "reject");
  });

  document.addEventListener("input", (event) => {
    if (!event.target.matches("article.seg textarea")) return;
    const row = event.target.closest("article.seg");
    grow([event.target]);
    clearTimeout(checkTimers.get(row));
    checkTimers.set(row, setTimeout(() => check(row), 250));
  });

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target.matches("textarea")) {
      const row = target.closest("article.seg");
      if (event.key === "Escape") {
        target.blur();
        select(row);
      } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        save(row, "approve");
      }
      return;
    }
    if (target.matches("input, select") || event.ctrlKey || event.metaKey || event.altKey) return;
    const actions = {
      j: () => move(1),
      k: () => move(-1),
      a: () => current && save(current, "approve"),
      r: () => current && save(current, "reject"),
      e: () => current && current.querySelector("textarea")?.focus(),
    };
    if (actions[event.key]) {
      event.preventDefault();
      actions[event.key]();
    }
  });
})();
