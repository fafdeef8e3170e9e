// Agent Conductor dashboard: plain JavaScript, no build step. Every piece of text from the API is put into the page
// as text (textContent, never innerHTML): ticket, alarm and worker text is written by anyone.
"use strict";

const REFRESH_MS = 2000;
const KEY = "agentConductorApiKey";
const ACTIVE = ["launching", "launched", "connected", "running"];
const ENDED = ["succeeded", "no_changes", "failed", "timed_out", "cancelled", "lost", "budget_exceeded"];
const STATES = ["pending", ...ACTIVE, ...ENDED];

let route = null;      // the page shown: { name, id, params }
let timer = null;      // the page's refresh timer
let page = null;       // the page's refresh function and its log follower

class ApiError extends Error {}

// ---- the API --------------------------------------------------------------------------------------------------------

function authHeaders(extra) {
  const headers = Object.assign({}, extra);
  const key = sessionStorage.getItem(KEY);
  if (key) headers.Authorization = "Bearer " + key;
  return headers;
}

async function api(path, options) {
  const response = await fetch(path, Object.assign({}, options, { headers: authHeaders(options && options.headers) }));
  if (response.status === 401) {
    askForKey();
    throw new ApiError("the conductor requires its API key");
  }
  const body = await response.json().catch(() => null);
  if (!response.ok && !(options && options.acceptStatus && options.acceptStatus.includes(response.status))) {
    throw new ApiError((body && body.error) || `${response.status} ${response.statusText}`);
  }
  return { status: response.status, body };
}

function askForKey() {
  const form = document.getElementById("key-form");
  if (form.hidden) {
    form.hidden = false;
    document.getElementById("key-input").focus();
  }
}

function showError(message) {
  const box = document.getElementById("error");
  box.hidden = !message;
  box.textContent = message || "";
}

// ---- building the page (text only) ----------------------------------------------------------------------------------

function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = value;
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** A link only to the dashboard itself or to an http(s) address; anything else stays text. */
function link(href, text, attributes) {
  if (typeof href === "string" && (href.startsWith("#/") || /^https?:\/\//i.test(href))) {
    const external = !href.startsWith("#/");
    return h("a", Object.assign({ href, rel: external ? "noopener noreferrer" : null, target: external ? "_blank" : null }, attributes), text);
  }
  return h("span", attributes, text);
}

function state(name) {
  return h("span", { class: `state state-${name}`, "data-testid": "state" }, name);
}

function time(value) {
  if (!value) return "";
  const date = new Date(value);
  return isNaN(date) ? String(value) : date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

function duration(ms) {
  if (ms === null || ms === undefined) return "";
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

/** A USD amount: two decimals, more below a cent; "unknown" for null (no price). */
function usd(amount) {
  if (amount === null || amount === undefined) return "unknown";
  const digits = amount !== 0 && Math.abs(amount) < 0.01 ? 6 : 2;
  return `${amount.toFixed(digits)} USD`;
}

/** A job's cost so far, and what it is made of. */
function costText(job) {
  const c = job.cost;
  if (!c) return "";
  const tokens = c.tokens === null ? "tokens: no price" : `tokens ${usd(c.tokens)} at ${c.pricedAs} prices`;
  const worker = c.compute === null ? "worker: no price" : `worker ${usd(c.compute)} for ${duration(c.computeMs)} of ${c.worker}`;
  return `${usd(c.total)} (${tokens}, ${worker}); model ${c.model || "the agent's default"}`;
}

function budgetText(budget) {
  if (!budget) return null;
  const caps = [budget.maxCost !== null ? usd(budget.maxCost) : null, budget.maxTokens !== null ? `${budget.maxTokens} tokens` : null].filter(Boolean);
  return caps.length ? `at most ${caps.join(" and ")}` : null;
}

function subject(job) {
  if (job.parentJobId) return `follow-up ${job.followUpSequence} of ${job.parentJobId}`;
  return job.ticketKey || `incident ${job.incidentId} (account ${job.account})`;
}

/** What an unended job does now: its place and reason in the queue, or its worker's phase and step. */
function doing(job) {
  if (job.waitReason) return `#${job.waitReason.position} ${job.waitReason.reason}: ${job.waitReason.detail}`;
  if (!ACTIVE.includes(job.state) || !job.phase) return "";
  return job.step ? `${job.phase}: ${job.step}` : job.phase;
}

function table(columns, rows, attributes) {
  return h("table", attributes,
    h("thead", null, h("tr", null, columns.map(c => h("th", null, c)))),
    h("tbody", null, rows));
}

function facts(pairs) {
  return h("dl", { class: "facts" }, pairs
    .filter(([, value]) => value !== null && value !== undefined && value !== "")
    .map(([name, value, testid]) => [h("dt", null, name), h("dd", { "data-testid": testid }, value)]));
}

function card(label, value, testid) {
  return h("div", { class: "card" }, h("div", { class: "label" }, label), h("div", { class: "value", "data-testid": testid }, value));
}

function jobRows(jobs) {
  return jobs.map(job => h("tr", { "data-job": job.id },
    h("td", null, link(`#/jobs/${encodeURIComponent(job.id)}`, job.id)),
    h("td", null, state(job.state)),
    h("td", null, subject(job)),
    h("td", { class: "title", "data-testid": "title" }, job.title),
    h("td", { "data-testid": "doing" }, doing(job)),
    h("td", null, time(job.createdAt)),
    h("td", null, duration(job.durationMs)),
    h("td", { "data-testid": "cost" }, job.cost && job.cost.total !== null ? usd(job.cost.total) : ""),
    h("td", null, job.pullRequestUrl ? link(job.pullRequestUrl, "pull request") : "")));
}

const JOB_COLUMNS = ["Job", "State", "Subject", "Title", "Doing / waiting", "Created", "Duration", "Cost", "Pull request"];

// ---- pages ------------------------------------------------------------------------------------------------------------

async function fleetPage(view) {
  const [{ body: status }, { body: recent }] = await Promise.all([api("/v1/status"), api("/v1/jobs?limit=10")]);
  const sqs = status.sqs ? `${status.sqs.state}` : "off";
  view.replaceChildren(
    h("h1", null, "Fleet"),
    h("div", { class: "cards" },
      card("Gate", status.gate, "gate"),
      card("SQS intake", sqs, "sqs"),
      card("Active jobs", status.activeJobs, "active"),
      card("Pending jobs", status.pendingJobs, "pending"),
      card("Ended jobs", status.endedJobs, "ended")),
    status.sqs ? h("p", { class: "muted" },
      `SQS: ${status.sqs.received} received, ${status.sqs.stored} stored, ${status.sqs.duplicates} duplicates, ${status.sqs.rejected} rejected` +
      (status.sqs.problem ? ` — ${status.sqs.problem}` : "")) : null,
    h("h2", null, "Jobs by state"),
    table(["State", "Jobs"], STATES.filter(s => status.jobsByState[s]).map(s =>
      h("tr", null, h("td", null, link(`#/jobs?state=${s}`, s)), h("td", { "data-testid": `count-${s}` }, status.jobsByState[s])))),
    h("h2", null, "Latest jobs"),
    table(JOB_COLUMNS, jobRows(recent.jobs), { "data-testid": "jobs" }));
}

function jobsPage(view, params) {
  const stateFilter = h("select", { "aria-label": "state", "data-testid": "filter-state" },
    h("option", { value: "" }, "any state"), STATES.map(s => h("option", { value: s, selected: params.get("state") === s }, s)));
  const kindFilter = h("select", { "aria-label": "kind", "data-testid": "filter-kind" },
    h("option", { value: "" }, "any kind"), ["ticket", "incident", "followup"].map(k => h("option", { value: k, selected: params.get("kind") === k }, k)));
  const textFilter = h("input", { type: "search", placeholder: "ticket, account, title, job id", value: params.get("q") || "", "data-testid": "filter-text" });
  const apply = () => {
    const next = new URLSearchParams();
    if (stateFilter.value) next.set("state", stateFilter.value);
    if (kindFilter.value) next.set("kind", kindFilter.value);
    if (textFilter.value) next.set("q", textFilter.value);
    location.hash = "#/jobs" + (next.toString() ? "?" + next : "");
  };
  stateFilter.addEventListener("change", apply);
  kindFilter.addEventListener("change", apply);
  textFilter.addEventListener("change", apply);
  const body = h("div");
  view.replaceChildren(h("h1", null, "Jobs"), h("div", { class: "filters" }, stateFilter, kindFilter, textFilter), body);

  return async () => {
    const query = new URLSearchParams({ limit: "200" });
    if (params.get("state")) query.set("state", params.get("state"));
    if (params.get("kind")) query.set("kind", params.get("kind"));
    const { body: result } = await api(`/v1/jobs?${query}`);
    const text = (params.get("q") || "").toLowerCase();
    const jobs = result.jobs.filter(j => !text || [j.id, subject(j), j.title, j.account || ""].some(v => v.toLowerCase().includes(text)));
    body.replaceChildren(jobs.length ? table(JOB_COLUMNS, jobRows(jobs), { "data-testid": "jobs" }) : h("p", { class: "muted" }, "No jobs."));
  };
}

async function queuePage(view) {
  const { body } = await api("/v1/queue?limit=500");
  view.replaceChildren(
    h("h1", null, "Queue"),
    h("p", { class: "muted" }, "Pending jobs in the order the dispatcher launches them, each with why it waits."),
    body.queue.length === 0 ? h("p", { class: "muted" }, "No job is waiting.") : table(
      ["#", "Job", "Subject", "Title", "Waits for", "Why", "Waiting"],
      body.queue.map(entry => h("tr", { "data-job": entry.job.id },
        h("td", null, entry.position),
        h("td", null, link(`#/jobs/${encodeURIComponent(entry.job.id)}`, entry.job.id)),
        h("td", null, subject(entry.job)),
        h("td", { class: "title" }, entry.job.title),
        h("td", { "data-testid": "wait-reason" }, entry.reason),
        h("td", null, entry.detail),
        h("td", null, duration(entry.job.durationMs)))),
      { "data-testid": "queue" }));
}

async function incidentsPage(view) {
  const { body } = await api("/v1/incidents?limit=200");
  view.replaceChildren(
    h("h1", null, "Incidents"),
    body.incidents.length === 0 ? h("p", { class: "muted" }, "No incident.") : table(
      ["Incident", "Account", "Alarms", "Context", "First alarm", "Last alarm", "Cost", "Job"],
      body.incidents.map(i => h("tr", null,
        h("td", null, link(`#/incidents/${i.incidentId}`, `#${i.incidentId}`)),
        h("td", null, i.account),
        h("td", null, i.alarms),
        h("td", null, i.contextAlarms),
        h("td", null, time(i.firstAt)),
        h("td", null, time(i.lastAt)),
        h("td", null, i.cost === null ? "" : usd(i.cost)),
        h("td", null, i.jobId ? [link(`#/jobs/${encodeURIComponent(i.jobId)}`, i.jobId), " ", state(i.jobState)] : ""))),
      { "data-testid": "incidents" }));
}

async function incidentPage(view, id) {
  const { body } = await api(`/v1/incidents/${encodeURIComponent(id)}`);
  const i = body.incident;
  view.replaceChildren(
    h("h1", null, `Incident #${i.incidentId} in account ${i.account}`),
    facts([
      ["Alarms", i.alarms],
      ["Context alarms", i.contextAlarms],
      ["First alarm", time(i.firstAt)],
      ["Last alarm", time(i.lastAt)],
      ["Opened", time(i.openedAt)],
      ["Cost", i.cost === null ? null : usd(i.cost)],
      ["Job", i.jobId ? [link(`#/jobs/${encodeURIComponent(i.jobId)}`, i.jobId), " ", state(i.jobState)] : null],
    ]),
    h("h2", null, "Alarms"),
    alarmTable(body.alarms));
}

async function costsPage(view, params) {
  const query = new URLSearchParams();
  if (params.get("from")) query.set("from", params.get("from"));
  if (params.get("to")) query.set("to", params.get("to"));
  const { body: r } = await api("/v1/costs" + (query.toString() ? "?" + query : ""));
  const rows = (items, key) => items.map(item => h("tr", null,
    h("td", null, item[key]), h("td", { "data-testid": `cost-${key}` }, usd(item.cost)),
    key === "day" ? [h("td", null, usd(item.tokenCost)), h("td", null, usd(item.computeCost))] : null,
    h("td", null, item.jobs), h("td", null, item.unpricedJobs || "")));
  const section = (title, items, key, columns) => [h("h2", null, title), items.length === 0
    ? h("p", { class: "muted" }, "Nothing spent.")
    : table([columns[0], "Cost", ...columns.slice(1), "Jobs", "Without a price"], rows(items, key), { "data-testid": `costs-${key}` })];
  view.replaceChildren(
    h("h1", null, "Costs"),
    h("p", { class: "muted" }, `UTC days ${r.from} to ${r.to}. Tokens at the prices fixed when each job was launched, plus worker time; a running job counts up to now.`),
    h("div", { class: "cards" },
      card("Total", usd(r.total.cost), "costs-total"),
      card("Tokens", usd(r.total.tokenCost)),
      card("Workers", usd(r.total.computeCost)),
      card("Jobs", r.total.jobs),
      card(`Today (${r.today.day})`, usd(r.today.spent), "costs-today")),
    h("h2", null, "Daily budgets"),
    r.today.caps.length === 0 ? h("p", { class: "muted" }, "No daily cap is set.") : table(["Cap", "For", "Limit", "Spent today", "State"],
      r.today.caps.map(c => h("tr", null, h("td", null, c.setting), h("td", null, c.key || "all"), h("td", null, usd(c.cap)), h("td", null, usd(c.spent)),
        h("td", { "data-testid": "cap-state" }, c.reached ? "reached: launches wait" : "open"))), { "data-testid": "caps" }),
    section("Per day", r.days, "day", ["Day", "Tokens", "Workers"]),
    section("Per project", r.projects, "project", ["Project"]),
    section("Per account", r.accounts, "account", ["Account"]));
}

function alarmTable(alarms) {
  return table(["At", "Alarm", "State", "Region", "Reason"], alarms.map(a => h("tr", null,
    h("td", null, time(a.at)), h("td", null, a.name), h("td", null, a.state), h("td", null, a.region || ""), h("td", { class: "title" }, a.reason || ""))),
    { "data-testid": "alarms" });
}

/** A pull request's lineage: the job that opened it, the pull request, and its follow-ups in order (this job marked). */
function lineageParts(lineage, id) {
  const jobLink = jobId => jobId === id ? `${jobId} (this job)` : link(`#/jobs/${encodeURIComponent(jobId)}`, jobId);
  const pr = lineage.pullRequest;
  return [
    h("h2", null, "Lineage"),
    facts([
      ["Opened by", jobLink(lineage.parentJobId), "lineage-parent"],
      ["Pull request", link(pr.url, pr.repository && pr.number ? `${pr.repository}#${pr.number}` : pr.url), "lineage-pr"],
      ["Branch", pr.branch],
    ]),
    lineage.followUps.length === 0 ? h("p", { class: "muted" }, "No follow-ups.") : table(["#", "Follow-up", "State", "Comments", "Created", "Collects until"],
      lineage.followUps.map(f => h("tr", { "data-followup": f.jobId },
        h("td", null, String(f.sequence)),
        h("td", null, jobLink(f.jobId)),
        h("td", null, state(f.state)),
        h("td", null, String(f.comments)),
        h("td", null, time(f.createdAt)),
        h("td", null, f.coalesceUntil ? time(f.coalesceUntil) : ""))),
      { "data-testid": "lineage" }),
  ];
}

function jobPage(view, id) {
  const heading = h("h1", { "data-testid": "job-title" }, id);
  const summary = h("div");
  const reason = h("input", { type: "text", placeholder: "why (kept in the audit trail)", "data-testid": "cancel-reason", maxlength: "500" });
  const cancel = h("button", { type: "button", class: "danger", "data-testid": "cancel" }, "Cancel job");
  const cancelOutcome = h("span", { class: "muted", "data-testid": "cancel-outcome" });
  const cancelForm = h("div", { class: "cancel", hidden: true }, reason, cancel, cancelOutcome);
  const details = h("div");
  const about = h("div");
  const log = h("div", { class: "log", "data-testid": "log" });
  const logState = h("span", { class: "muted", "data-testid": "log-state" }, "following");
  view.replaceChildren(heading, summary, cancelForm, details, h("h2", null, "Log ", logState), log, about);

  cancel.addEventListener("click", async () => {
    cancel.disabled = true;
    try {
      const why = reason.value.trim();
      const { body } = await api(`/v1/jobs/${encodeURIComponent(id)}/cancel` + (why ? `?reason=${encodeURIComponent(why)}` : ""),
        { method: "POST", acceptStatus: [409] });
      cancelOutcome.textContent = { cancelled: "cancelled", requested: "cancel requested: the worker is told at its next heartbeat", already_ended: "the job had already ended" }[body.outcome] || body.outcome;
      await refresh();
    } catch (error) {
      cancelOutcome.textContent = error.message;
    } finally {
      cancel.disabled = false;
    }
  });

  const follower = new AbortController();
  followLog(id, log, logState, follower.signal);

  const refresh = async () => {
    const { body } = await api(`/v1/jobs/${encodeURIComponent(id)}`);
    const job = body.job;
    heading.textContent = job.title;
    cancelForm.hidden = ENDED.includes(job.state);
    const usage = job.usage;
    summary.replaceChildren(facts([
      ["Job", job.id, "job-id"],
      ["State", [state(job.state), job.stateReason ? ` ${job.stateReason}` : ""], "job-state"],
      ["Doing", doing(job), "job-doing"],
      ["Subject", `${job.kind} ${subject(job)}`],
      ["Attempt", job.attempt],
      ["Repository", job.repository],
      ["Branch", job.branch],
      ["Commit", job.commit],
      ["Pull request", job.pullRequestUrl ? link(job.pullRequestUrl, job.pullRequestUrl) : null, "job-pr"],
      ["Worker", job.workerVersion],
      ["Created", time(job.createdAt)],
      ["Launched", time(job.launchedAt)],
      ["Connected", time(job.connectedAt)],
      ["Last heartbeat", time(job.lastHeartbeatAt)],
      ["Ended", time(job.endedAt)],
      ["Duration", duration(job.durationMs)],
      ["Run", duration(job.runMs)],
      ["Tokens", `${usage.inputTokens} in (${usage.cachedInputTokens} cached), ${usage.outputTokens} out (${usage.reasoningOutputTokens} reasoning)`],
      ["Cost", costText(job), "job-cost"],
      ["Budget", budgetText(job.budget), "job-budget"],
      ["Stopped at budget", job.budget && job.budget.stoppedAt ? `${time(job.budget.stoppedAt)}: ${job.budget.stopReason || ""}` : null, "job-budget-stop"],
      [body.ticket ? "Ticket's jobs" : "Incident's jobs", body.subjectCost ? `${usd(body.subjectCost.cost)} for ${body.subjectCost.jobs} jobs` +
        (body.subjectCost.unpricedJobs ? ` (${body.subjectCost.unpricedJobs} without a price)` : "") : null, "subject-cost"],
      ["Cancel requested", job.cancelRequestedAt ? `${time(job.cancelRequestedAt)}: ${job.cancelReason || ""}` : null, "job-cancel"],
      ["Archive", job.archive ? (job.archive.location || `${job.archive.failures} failed uploads: ${job.archive.lastError || ""}`) : null],
    ]));

    const parts = [];
    if (body.result) {
      const r = body.result;
      parts.push(h("h2", null, "Result"), facts([
        ["Status", state(r.status), "result-status"],
        ["Error", r.errorCode ? `${r.errorCode}: ${r.errorMessage || ""}` : null],
        ["Started", time(r.startedAt)],
        ["Finished", time(r.finishedAt)],
      ]));
      if (r.summary) parts.push(h("pre", { class: "summary", "data-testid": "result-summary" }, r.summary + (r.summaryTruncated ? "\n[cut]" : "")));
    }
    parts.push(h("h2", null, "Audit trail"), table(["At", "Event", "Reason"], body.events.map(e => h("tr", null,
      h("td", null, time(e.at)),
      h("td", null, e.event === "cancel_requested" ? "cancel requested" : [e.from ? `${e.from} → ` : "", state(e.to)]),
      h("td", { class: "title" }, e.reason || ""))), { "data-testid": "audit" }));
    details.replaceChildren(...parts);

    const subjectParts = [];
    if (body.ticket) {
      const t = body.ticket;
      subjectParts.push(h("h2", null, "Ticket"), facts([
        ["Key", t.url ? link(t.url, t.key) : t.key],
        ["Summary", t.summary, "ticket-summary"],
        ["Status", t.status],
        ["Type", t.issueType],
        ["Priority", t.priority],
        ["Labels", t.labels.join(", ")],
        ["Components", t.components.join(", ")],
      ]));
      if (t.description) subjectParts.push(h("pre", { class: "summary", "data-testid": "ticket-description" }, t.description));
    }
    if (body.alarms) subjectParts.push(h("h2", null, "Alarms"), alarmTable(body.alarms));
    if (body.lineage) subjectParts.push(...lineageParts(body.lineage, job.id));
    about.replaceChildren(...subjectParts);
  };
  return Object.assign(refresh, { stop: () => follower.abort() });
}

/** Streams the job's log (server-sent events over fetch, so the API key can go in a header) until the job ends. */
async function followLog(id, box, label, signal) {
  let after = 0;
  while (!signal.aborted) {
    try {
      const response = await fetch(`/v1/jobs/${encodeURIComponent(id)}/logs?follow=true&after=${after}`,
        { headers: authHeaders({ Accept: "text/event-stream" }), signal });
      if (response.status === 401) { askForKey(); throw new ApiError("the conductor requires its API key"); }
      if (!response.ok) throw new ApiError(`${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const event = parseEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (event.type === "log") {
            const line = JSON.parse(event.data);
            after = line.seq;
            const stick = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
            box.append(h("div", { class: `line ${line.stream}`, "data-seq": line.seq },
              h("span", { class: "at" }, time(line.at).slice(11, 19) + " "), h("span", { class: "stream" }, line.stream), " ", line.text));
            if (stick) box.scrollTop = box.scrollHeight;
          } else if (event.type === "end") {
            label.textContent = `ended (${JSON.parse(event.data).state})`;
            return;
          }
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      label.textContent = `reconnecting (${error.message})`;
    }
    await new Promise(resolve => setTimeout(resolve, REFRESH_MS));
    label.textContent = "following";
  }
}

function parseEvent(block) {
  const event = { type: "message", data: "" };
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event.type = value;
    else if (field === "data") event.data += (event.data ? "\n" : "") + value;
  }
  return event;
}

// ---- routing and refresh ----------------------------------------------------------------------------------------------

function parseRoute() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query] = hash.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query || "");
  if (parts[0] === "jobs" && parts[1]) return { name: "job", id: parts[1], params };
  if (parts[0] === "incidents" && parts[1]) return { name: "incident", id: parts[1], params };
  if (["jobs", "queue", "incidents", "costs"].includes(parts[0])) return { name: parts[0], params };
  return { name: "fleet", params };
}

async function show() {
  if (page && page.stop) page.stop();
  clearTimeout(timer);
  route = parseRoute();
  document.querySelectorAll("header nav a").forEach(a =>
    a.classList.toggle("active", a.dataset.nav === (route.name === "job" ? "jobs" : route.name === "incident" ? "incidents" : route.name)));
  const view = document.getElementById("view");
  view.replaceChildren();
  const current = route;
  page = {
    fleet: () => () => fleetPage(view),
    jobs: () => jobsPage(view, current.params),
    job: () => jobPage(view, current.id),
    queue: () => () => queuePage(view),
    incidents: () => () => incidentsPage(view),
    incident: () => () => incidentPage(view, current.id),
    costs: () => () => costsPage(view, current.params),
  }[current.name]();
  await tick(current);
}

async function tick(current) {
  if (current !== route) return;
  try {
    await page();
    showError("");
    document.getElementById("refreshed").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (error) {
    showError(error instanceof ApiError ? error.message : `cannot reach the conductor (${error.message})`);
  }
  if (current === route) timer = setTimeout(() => tick(current), REFRESH_MS);
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("key-form").addEventListener("submit", event => {
    event.preventDefault();
    sessionStorage.setItem(KEY, document.getElementById("key-input").value.trim());
    document.getElementById("key-form").hidden = true;
    show();
  });
  window.addEventListener("hashchange", show);
  show();
});
