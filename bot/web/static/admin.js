// The operators' dashboard: each page draws itself from /admin/data/* and re-reads it every few seconds.
"use strict";
(() => {
  const REFRESH_MS = 5000;
  const main = document.getElementById("page");
  const content = document.getElementById("content");
  const csrf = document.querySelector("meta[name=csrf]").content;
  const charts = (window.khaachoCharts = {});
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children.flat()) if (child !== null && child !== undefined)
      node.append(child instanceof Node ? child : String(child));
    return node;
  };
  const money = (v) => (v === null || v === undefined ? "–" : "Rs " + Number(v).toLocaleString("en-IN", { maximumFractionDigits: 2 }));
  const when = (iso) => (iso ? new Date(iso).toLocaleString([], { dateStyle: "short", timeStyle: "short" }) : "–");
  const hours = (s) => (s === null || s === undefined ? "–" : (s / 3600).toFixed(1) + " h");
  const pct = (r) => (r === null || r === undefined ? "–" : Math.round(r * 100) + " %");
  const status = (s) => el("span", { class: "status " + String(s).toLowerCase() }, s);

  async function call(url, options = {}) {
    const response = await fetch(url, { ...options, headers: { "X-Requested-With": "fetch", "X-CSRF-Token": csrf,
                                                               Accept: "application/json", ...(options.headers || {}) } });
    if (response.status === 401) { location.href = "/admin/login"; throw new Error("logged out"); }
    const body = response.headers.get("Content-Type")?.includes("json") ? await response.json() : { error: await response.text() };
    if (!response.ok) throw new Error(body.error || response.statusText);
    return body;
  }
  const send = (url, form) => call(url, { method: "POST", body: new URLSearchParams(new FormData(form)) });

  function table(rows, columns) {
    if (!rows.length) return el("p", { class: "note" }, "Nothing here.");
    return el("div", { class: "table" }, el("table", {},
      el("thead", {}, el("tr", {}, columns.map(([label]) => el("th", {}, label)))),
      el("tbody", {}, rows.map((row) => el("tr", {}, columns.map(([, cell]) => el("td", {}, cell(row))))))));
  }
  const cards = (items) => el("div", { class: "cards" }, items.map(([label, value]) => el("div", { class: "card" }, label, el("b", {}, value))));

  function chart(id, title, type, labels, datasets, options = {}) {
    const data = { labels, datasets: datasets.map((d) => ({ borderWidth: 2, ...d })) };
    if (charts[id]) {  // keep the canvas: update in place, no flicker on refresh
      charts[id].data = data;
      charts[id].update("none");
      return charts[id].canvas.parentNode;
    }
    const canvas = el("canvas", { id: "chart-" + id, role: "img", "aria-label": title });
    const box = el("figure", { class: "chart", "data-chart": id }, el("figcaption", {}, title), canvas);
    charts[id] = new Chart(canvas, { type, data, options: { animation: false, maintainAspectRatio: false,
      plugins: { legend: { display: datasets.length > 1 } }, ...options } });
    return box;
  }

  // --- pages ---------------------------------------------------------------------------------------
  const pages = {};

  pages.overview = {
    controls() {
      const form = el("form", { class: "filters", id: "period" },
        el("select", { name: "period", "aria-label": "period" },
          ["today", "7d", "30d", "custom"].map((p) => el("option", { value: p }, p))),
        el("input", { type: "date", name: "from", "aria-label": "from" }),
        el("input", { type: "date", name: "to", "aria-label": "to" }),
        el("button", {}, "Show"));
      form.addEventListener("submit", (e) => { e.preventDefault(); for (const c of Object.values(charts)) c.destroy();
        for (const k of Object.keys(charts)) delete charts[k]; content.replaceChildren(); refresh(); });
      return form;
    },
    url() {
      const form = document.getElementById("period");
      const q = new URLSearchParams({ period: form.period.value });
      if (form.period.value === "custom") { q.set("from", form.from.value); q.set("to", form.to.value); }
      return "/admin/data/overview?" + q;
    },
    draw(d) {
      const b = d.board, s = b.summary, f = b.fulfilment;
      const top = cards([["Orders", s.orders], ["GMV", money(s.gmv)], ["Delivered", s.delivered], ["Failed", s.failed],
        ["Open", s.open], ["Success rate", pct(s.success_rate)], ["Fulfilment p50", hours(f.p50_s)], ["p90", hours(f.p90_s)]]);
      const buckets = [1, 2, 4, 8, 12, 24, 48, Infinity];
      const counts = buckets.map(() => 0);
      for (const h of d.fulfilment_hours) counts[buckets.findIndex((edge) => h <= edge)] += 1;
      const bucketLabels = buckets.map((edge, i) => (edge === Infinity ? `> ${buckets[i - 1]} h` : `≤ ${edge} h`));
      const grid = el("div", { class: "charts" },
        chart("gmv", "GMV per day", "line", d.days.map((x) => x.day), [{ label: "GMV", data: d.days.map((x) => Number(x.gmv)),
          borderColor: "#1f7a4d", tension: 0.2 }]),
        chart("status", "Orders by status", "bar", Object.keys(d.statuses), [{ label: "orders", data: Object.values(d.statuses),
          backgroundColor: "#3c8d63" }]),
        chart("failures", "Failed orders by cause", "bar", b.failures.map((x) => `${x.cause} (${x.status})`),
          [{ label: "orders", data: b.failures.map((x) => x.orders), backgroundColor: "#b3261e" }], { indexAxis: "y" }),
        chart("fulfilment", `Fulfilment time · p50 ${hours(f.p50_s)} · p90 ${hours(f.p90_s)}`, "bar", bucketLabels,
          [{ label: "orders", data: counts, backgroundColor: "#6c8cbf" }]),
        chart("products", "Top products (sales, this period and the one before)", "bar", b.top_products.map((x) => x.name),
          [{ label: "this period", data: b.top_products.map((x) => Number(x.sales)), backgroundColor: "#1f7a4d" },
           { label: "before", data: b.top_products.map((x) => Number(x.previous_sales)), backgroundColor: "#b9d6c5" }]),
        chart("grades", "Vendors by grade", "bar", Object.keys(d.grades), [{ label: "vendors", data: Object.values(d.grades),
          backgroundColor: "#c98a1b" }]),
        chart("response", "Fastest vendors (median answer, seconds)", "bar", b.responsive.map((v) => v.name),
          [{ label: "seconds", data: b.responsive.map((v) => v.response_p50_s === null ? null : +v.response_p50_s.toFixed(1)),
            backgroundColor: "#7a4d1f" }], { indexAxis: "y" }));
      const products = table(b.top_products, [["Product", (p) => p.name], ["Sold", (p) => `${Number(p.quantity)} ${p.unit}`],
        ["Sales", (p) => money(p.sales)], ["Trend", (p) => `${p.trend.direction} ${p.trend.ratio === null ? "" : pct(p.trend.ratio)}`]]);
      const vendors = table(b.reliable, [["Vendor", (v) => v.name], ["Grade", (v) => v.grade], ["Reliability", (v) => v.reliability],
        ["Delivered", (v) => v.delivered], ["Answer p50", (v) => (v.response_p50_s === null ? "–" : Math.round(v.response_p50_s / 60) + " min")]]);
      return [el("p", { class: "note" }, `${b.period.label}: ${when(b.period.start)} – ${when(b.period.end)}`), top, grid,
        el("h2", {}, "Top products"), products, el("h2", {}, "Most reliable vendors"), vendors];
    },
  };

  const orderColumns = [["#", (o) => el("a", { href: "/admin/orders/" + o.id }, "#" + o.id)], ["Status", (o) => status(o.status)],
    ["Retailer", (o) => o.retailer], ["Vendor", (o) => o.vendor || "–"], ["Items", (o) => o.items], ["Total", (o) => money(o.total)],
    ["Placed", (o) => when(o.confirmed_at || o.created_at)]];

  pages.orders = {
    controls() {
      const form = el("form", { class: "filters", id: "filters" },
        el("select", { name: "status", "aria-label": "status" }, el("option", { value: "" }, "all placed"), el("option", { value: "open" }, "open")),
        el("input", { name: "retailer", placeholder: "retailer", "aria-label": "retailer" }),
        el("input", { name: "vendor", placeholder: "vendor", "aria-label": "vendor" }), el("button", {}, "Filter"));
      form.addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
      return form;
    },
    url() { return "/admin/data/orders?" + new URLSearchParams(new FormData(document.getElementById("filters"))); },
    draw(d) {
      const select = document.querySelector("#filters [name=status]");
      if (select.options.length === 2) for (const s of d.statuses) select.append(el("option", { value: s.toLowerCase() }, s));
      return [table(d.orders, orderColumns), d.more ? el("p", { class: "note" }, "Showing the latest 50.") : null];
    },
  };

  function actionForm(action, label, fields, note) {
    const form = el("form", { "data-action": action }, el("input", { type: "hidden", name: "action", value: action }),
      el("input", { type: "hidden", name: "csrf", value: csrf }), el("strong", {}, label), ...fields, el("button", {}, label));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const out = document.getElementById("result");
      out.textContent = "…";
      try {
        const r = await send("/admin/act", form);
        out.textContent = `${r.command}\n${r.replies.join("\n") || "(handled: " + r.state + ")"}`;
      } catch (error) { out.textContent = error.message; }
      refresh();
    });
    if (note) form.append(el("span", { class: "note" }, note));
    return form;
  }

  pages.order = {
    id: location.pathname.split("/").pop(),
    controls() { return el("div", { id: "actions" }); },
    url() { return "/admin/data/orders/" + this.id; },
    actions(d) {
      const id = this.id;
      const hidden = (name, value) => el("input", { type: "hidden", name, value });
      const vendors = el("select", { name: "vendor", "aria-label": "vendor" }, el("option", { value: "" }, "next best vendor"),
        d.vendors.map((v) => el("option", { value: v.phone }, v.name)));
      const claims = el("select", { name: "claim", "aria-label": "payment claim" },
        d.claims.map((c) => el("option", { value: c.claim.claim_id }, `#${c.claim.claim_id} ${money(c.claim.amount)} ${c.claim.method}`)));
      const tickets = el("select", { name: "ticket", "aria-label": "ticket" }, d.tickets.map((t) => el("option", { value: t.id }, `#${t.id} ${t.category}`)));
      return el("div", {}, el("div", { class: "actions" },
        actionForm("reassign", "Reassign", [hidden("order", id), vendors]),
        actionForm("cancel", "Cancel", [hidden("order", id), el("input", { name: "reason", placeholder: "reason", required: "", "aria-label": "reason" })]),
        actionForm("payment_confirm", "Confirm payment", [claims], d.claims.length ? null : "no claim waiting"),
        actionForm("ticket_resolve", "Resolve ticket", [tickets, el("input", { name: "note", placeholder: "note", required: "", "aria-label": "note" })],
          d.tickets.length ? null : "no open ticket")),
      el("pre", { id: "result", class: "result", "aria-live": "polite" }, "Actions are the ops chat's commands, run as you and audited."));
    },
    draw(d) {
      const box = document.getElementById("actions");
      if (!box.childElementCount) box.append(this.actions(d));
      const h = d.order, o = h.order;
      return [cards([["Status", o.status], ["Total", money(o.total)], ["Retailer", o.retailer], ["Vendor", o.vendor || "–"]]),
        o.failure_reason ? el("p", { class: "error" }, o.failure_reason) : null,
        el("h2", {}, "Lines"), table(h.lines, [["Item", (l) => l.name], ["Qty", (l) => `${Number(l.quantity)} ${l.unit}`],
          ["Price", (l) => money(l.unit_price)], ["Total", (l) => money(l.line_total)]]),
        el("h2", {}, "Offers"), table(h.offers, [["Vendor", (x) => x.vendor], ["Status", (x) => status(x.status)],
          ["Offered", (x) => when(x.offered_at)], ["Answered", (x) => when(x.responded_at)], ["Reason", (x) => x.reason || ""]]),
        el("h2", {}, "Status history"), table(h.history, [["When", (x) => when(x.at)], ["From", (x) => x.from_status || "–"],
          ["To", (x) => status(x.to_status)], ["By", (x) => d.actors[x.actor] || x.actor], ["Reason", (x) => x.reason || ""]]),
        el("h2", {}, "Messages"), table(d.messages, [["When", (m) => when(m.created_at)], ["To", (m) => m.recipient],
          ["Message", (m) => m.body], ["Delivery", (m) => status(m.status)]])];
    },
  };

  pages.stuck = {
    url: () => "/admin/data/stuck",
    draw(d) {
      return [cards([["Stuck orders", d.orders.length], ["Dead letters", d.dead_letters],
          ["Recovered", d.rate.recovered !== undefined ? `${d.rate.recovered}/${d.rate.attempted}` : JSON.stringify(d.rate)]]),
        table(d.orders, [["Order", (s) => el("a", { href: "/admin/orders/" + s.case.id }, s.case.label || "#" + s.case.id)],
          ["Problem", (s) => s.case.problem], ["Status", (s) => status(s.case.status)], ["Since", (s) => when(s.case.since)],
          ["Healing attempts", (s) => s.attempts],
          ["", (s) => actionForm("heal", "Heal now", [el("input", { type: "hidden", name: "order", value: s.case.id })])]]),
        el("pre", { id: "result", class: "result" }, "")];
    },
  };

  pages.deadletters = {
    url: () => "/admin/data/deadletters",
    draw(d) {
      return table(d.dead, [["#", (m) => m.id], ["To", (m) => m.recipient], ["Message", (m) => m.body], ["Tries", (m) => m.tries],
        ["Error", (m) => m.last_error || ""],
        ["", (m) => el("button", { onclick: async (e) => { e.target.disabled = true;
          try { await call(`/admin/deadletters/${m.id}/send`, { method: "POST" }); } catch (error) { alert(error.message); }
          refresh(); } }, "Send again")]]);
    },
  };

  pages.safemode = {
    url: () => "/admin/data/safemode",
    async draw(d) {
      const queued = await call("/admin/data/orders?status=queued");
      return [cards([["Safe mode", d.on ? "ON" : "OFF"], ["Until", d.on ? when(d.state.until) : "–"], ["Queued orders", d.queued],
          ["Inbound backlog", d.load.backlog], ["Errors", `${d.load.failed}/${d.load.handled}`]]),
        d.on ? el("p", {}, `Reason: ${d.state.reason} (by ${d.state.by})`) : null,
        el("div", { class: "actions" }, d.on ? actionForm("safemode_off", "Turn off", []) :
          actionForm("safemode_on", "Turn on", [el("input", { name: "duration", placeholder: "30m", "aria-label": "duration" }),
            el("input", { name: "reason", placeholder: "reason", "aria-label": "reason" })])),
        el("pre", { id: "result", class: "result" }, ""), el("h2", {}, "Queue"), table(queued.orders, orderColumns)];
    },
  };

  pages.retailers = {
    url: () => "/admin/data/retailers",
    draw(d) {
      return table(d.retailers, [["Retailer", (r) => `${r.profile.name} (${r.profile.phone})`], ["Limit", (r) => money(r.profile.credit_limit)],
        ["Outstanding", (r) => money(r.profile.outstanding)], ["Available", (r) => money(r.profile.available)], ["Risk", (r) => r.profile.risk],
        ["Orders 30 d", (r) => r.profile.orders_30d], ["Every", (r) => (r.profile.days_between_orders === null ? "–" : r.profile.days_between_orders.toFixed(1) + " d")],
        ["Ledger", (r) => el("details", {}, el("summary", {}, `${r.ledger.length} latest`),
          table(r.ledger, [["When", (e) => when(e.at)], ["Kind", (e) => e.kind], ["Amount", (e) => money(e.amount)], ["Balance", (e) => money(e.balance_after)]]))]]);
    },
  };

  pages.vendors = {
    url: () => "/admin/data/vendors",
    draw(d) {
      return table(d.vendors, [["Vendor", (v) => `${v.profile.name} (${v.profile.phone})`], ["Score", (v) => Number(v.profile.score)],
        ["Grade", (v) => v.profile.grade], ["Tier", (v) => v.profile.tier], ["Load", (v) => `${v.profile.load}/${v.profile.capacity}`],
        ["Answer p50", (v) => (v.profile.response_p50_s === null ? "–" : Math.round(v.profile.response_p50_s / 60) + " min")],
        ["Breakdown", (v) => Object.entries(v.profile.breakdown.components).map(([k, x]) => `${k} ${Number(x).toFixed(1)}`).join(" · ")],
        ["Stock", (v) => el("details", {}, el("summary", {}, `${v.stock.length} products`),
          table(v.stock, [["Product", (s) => s.name], ["Stock", (s) => (s.stock === null ? "not tracked" : `${Number(s.stock)} ${s.unit}`)],
            ["Price", (s) => money(s.price)]]))]]);
    },
  };

  pages.exports = {
    controls() {
      const today = new Date().toISOString().slice(0, 10);
      const form = el("form", { class: "filters", id: "export" }, el("input", { type: "hidden", name: "csrf", value: csrf }),
        el("input", { type: "date", name: "from", value: today, required: "", "aria-label": "from" }),
        el("input", { type: "date", name: "to", value: today, required: "", "aria-label": "to" }),
        el("select", { name: "format", "aria-label": "format" }, el("option", { value: "csv" }, "CSV"), el("option", { value: "xlsx" }, "XLSX")),
        el("button", {}, "Export orders"), el("span", { id: "export-result", class: "note" }));
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        const out = document.getElementById("export-result");
        try { const r = await send("/admin/exports", form); out.replaceChildren(el("a", { href: r.url }, `${r.file} (${r.rows} rows)`)); }
        catch (error) { out.textContent = error.message; }
        refresh();
      });
      return form;
    },
    url: () => "/admin/data/exports",
    draw(d) {
      return table(d.exports, [["File", (x) => (x.url ? el("a", { href: x.url }, x.file_name) : x.file_name)], ["Rows", (x) => x.rows],
        ["Made", (x) => when(x.created_at)], ["Link until", (x) => when(x.expires_at)]]);
    },
  };

  // --- refreshing ----------------------------------------------------------------------------------
  const page = pages[main.dataset.page];
  if (page.controls) main.insertBefore(page.controls(), content);
  let busy = false;
  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const drawn = await page.draw(await call(page.url()));
      if (document.activeElement && content.contains(document.activeElement)) return;  // someone is typing
      content.replaceChildren(...[drawn].flat().filter(Boolean));
      main.dataset.loaded = String(Date.now());
    } catch (error) {
      content.replaceChildren(el("p", { class: "error" }, error.message));
    } finally { busy = false; }
  }
  refresh();
  setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
})();
