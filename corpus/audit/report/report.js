'use strict';
// The report's only script. Every string from the corpus reaches the page through textContent
// (or a text node), never as HTML; the data is gzip+base64 and decoded with DecompressionStream.
(async function () {
  const PAGE = 50;
  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  async function load() {
    const encoded = $('corpus-data').textContent.trim();
    const binary = atob(encoded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return JSON.parse(await new Response(stream).text());
  }

  const data = await load();
  const docs = data.docs;
  const n = docs.id.length;
  const labels = data.labels;
  const labelStage = labels.map((label) => label.slice(0, label.indexOf('/')));
  const byId = new Map(docs.id.map((id, i) => [id, i]));
  const docLabels = data.edits.map((edits) => {
    const found = new Set();
    if (edits) for (let i = 0; i < edits.length; i += 5) found.add(edits[i]);
    return found;
  });
  const status = (i) => docs.kept[i] ? 'kept' : `dropped at ${docs.stage[i]}: ${docs.reason[i]}`;
  let lowered = null;  // lower-cased search text per document, made on the first search

  // ---- run line and statistics ----
  $('run-line').textContent = `${data.run.path} · corpus ${data.run.corpus_version} · stages: ${data.run.stages.join(' → ')}`;
  document.title = `corpus report: ${data.run.path}`;

  function card(title, wide) {
    const node = el('div', wide ? 'card wide' : 'card');
    node.append(el('h2', null, title));
    $('stats').append(node);
    return node;
  }

  function bars(parent, rows, onPick) {
    const table = el('table', 'bars');
    const max = Math.max(1, ...rows.map((row) => row[1]));
    for (const [name, value, hint] of rows) {
      const tr = el('tr', onPick ? 'pick' : null);
      const label = el('td', 'name', name);
      label.title = hint || name;
      const bar = el('td', 'bar');
      const fill = el('div', 'fill');
      fill.style.width = `${(100 * value / max).toFixed(1)}%`;
      bar.append(fill);
      tr.append(label, bar, el('td', 'num', value.toLocaleString('en')));
      if (onPick) tr.addEventListener('click', () => onPick(name));
      table.append(tr);
    }
    if (!rows.length) parent.append(el('p', 'muted', '(none)'));
    else parent.append(table);
  }

  function smallTable(parent, headers, rows) {
    if (!rows.length) { parent.append(el('p', 'muted', '(none)')); return; }
    const table = el('table', 'small');
    const head = el('tr');
    for (const header of headers) head.append(el('th', null, header));
    table.append(head);
    for (const row of rows) {
      const tr = el('tr');
      for (const cell of row) {
        const td = el('td', typeof cell === 'number' ? 'num' : 'cell', typeof cell === 'number' ? cell.toLocaleString('en') : cell);
        td.title = String(cell);
        tr.append(td);
      }
      table.append(tr);
    }
    parent.append(table);
  }

  const stats = data.stats;
  {
    const node = card('Documents');
    const figures = el('div', 'figures');
    for (const [name, value] of [['read', stats.read], ['kept', stats.kept], ['dropped', stats.dropped]]) {
      const figure = el('div', 'figure');
      figure.append(el('b', null, value.toLocaleString('en')), name);
      figures.append(figure);
    }
    node.append(figures);
    const stack = el('div', 'stack');
    const kept = el('div', 'kept'); kept.style.width = `${stats.read ? 100 * stats.kept / stats.read : 0}%`;
    const dropped = el('div', 'dropped'); dropped.style.width = `${stats.read ? 100 * stats.dropped / stats.read : 0}%`;
    stack.append(kept, dropped);
    stack.title = `${stats.kept} kept, ${stats.dropped} dropped`;
    node.append(stack);
  }
  {
    const byStage = new Map();
    for (const row of stats.edits_by_rule) byStage.set(row.stage, (byStage.get(row.stage) || 0) + row.edits);
    bars(card('Edits by stage'), [...byStage].sort((a, b) => b[1] - a[1]), (stage) => setFilter('filter-stage', stage));
  }
  bars(card('Edits by rule (click to filter)'),
       stats.edits_by_rule.slice(0, 15).map((row) => [`${row.stage}/${row.rule}`, row.edits,
         `${row.stage}/${row.rule}: ${row.edits} edits in ${row.documents} documents, ${row.chars_removed} characters removed, ${row.chars_added} added`]),
       (label) => setFilter('filter-rule', label));
  bars(card('Dropped by reason'), stats.dropped_by_reason.map((row) => [row.reason, row.documents, `${row.stage}: ${row.reason}`]),
       (reason) => setFilter('filter-reason', reason));
  bars(card('Languages (kept)'), stats.languages.map((row) => [row.language, row.documents]),
       (language) => setFilter('filter-language', language));
  if (stats.duplicate_clusters) {
    smallTable(card('Largest duplicate clusters'), ['kept document', 'duplicates'],
               stats.duplicate_clusters.map((row) => [row.kept, row.duplicates]));
  }
  smallTable(card('Most frequent removed lines'), ['times', 'line'], stats.removed_lines.map((row) => [row.times, row.line]));
  smallTable(card('Typo corrections'), ['before', 'after', 'rule', 'times'],
             stats.typo_corrections.map((row) => [row.before, row.after, row.rule, row.times]));
  if (stats.quality_rules) {
    bars(card('Quality rules: documents dropped (click to filter)'),
         stats.quality_rules.map((row) => [row.rule, row.dropped,
           `${row.rule}: dropped ${row.dropped}; would also have dropped ${row.also} that an earlier rule did`]),
         (rule) => setFilter('filter-reason', rule));
  }
  if (stats.quality_signals) {
    const node = card('Quality signals (kept, and dropped by a quality rule)', true);
    const table = el('table', 'small signals');
    const head = el('tr');
    for (const header of ['signal', 'p10', 'median', 'p90', 'distribution, min to max']) head.append(el('th', null, header));
    table.append(head);
    const figure = (value) => (value === null ? '' : value.toLocaleString('en', { maximumSignificantDigits: 4 }));
    for (const row of stats.quality_signals) {
      const tr = el('tr');
      const name = el('td', 'cell', row.signal);
      name.title = `${row.signal}: ${row.meaning} (${row.documents} documents)`;
      tr.append(name, el('td', 'num', figure(row.p10)), el('td', 'num', figure(row.median)), el('td', 'num', figure(row.p90)));
      const histogram = el('td', 'histogram');
      histogram.title = `${figure(row.min)} to ${figure(row.max)}: ${row.histogram.join(', ')} documents`;
      const peak = Math.max(1, ...row.histogram);
      for (const count of row.histogram) {
        const bin = el('span');
        bin.style.height = `${count ? Math.max(1, Math.round(14 * count / peak)) : 0}px`;
        histogram.append(bin);
      }
      tr.append(histogram);
      table.append(tr);
    }
    node.append(table);
  }
  {
    const node = card('How the run was made');
    const libraries = el('details');
    libraries.append(el('summary', null, `libraries (${Object.keys(data.run.libraries).length})`));
    smallTable(libraries, ['library', 'version'], Object.entries(data.run.libraries));
    const rules = el('details');
    rules.append(el('summary', null, `rule files (${data.run.rule_files.length})`));
    smallTable(rules, ['name', 'origin', 'sha256'], data.run.rule_files.map((r) => [r.name, r.origin, r.sha256.slice(0, 12)]));
    node.append(libraries, rules);
  }

  // ---- filters ----
  function options(id, all, values) {
    const select = $(id);
    const first = el('option', null, all);
    first.value = '';
    select.append(first);
    for (const [value, text] of values) {
      const option = el('option', null, text);
      option.value = value;
      select.append(option);
    }
    select.addEventListener('change', () => { page = 0; refresh(); });
  }
  const stageNames = [...new Set([...labelStage, ...docs.stage.filter((s) => s)])].sort();
  options('filter-stage', 'every stage', stageNames.map((s) => [s, s]));
  options('filter-rule', 'every rule', labels.map((label) => [label, label]).sort());
  const reasons = [...new Set(docs.reason.filter((r) => r))].sort();
  options('filter-reason', 'kept and dropped', [['(kept)', 'kept'], ['(dropped)', 'dropped (any reason)'], ...reasons.map((r) => [r, `dropped: ${r}`])]);
  options('filter-language', 'every language', [...new Set(docs.language.filter((l) => l))].sort().map((l) => [l, l]));

  function setFilter(id, value) {
    const select = $(id);
    if ([...select.options].some((option) => option.value === value)) select.value = value;
    page = 0;
    refresh();
    $('browser').scrollIntoView();
  }

  let timer = null;
  $('search').addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => { page = 0; refresh(); }, 200); });
  $('filter-clear').addEventListener('click', () => {
    for (const id of ['filter-stage', 'filter-rule', 'filter-reason', 'filter-language']) $(id).value = '';
    $('search').value = '';
    page = 0;
    refresh();
  });

  let page = 0;
  let shown = [];
  let current = -1;

  function matching() {
    const stage = $('filter-stage').value, rule = $('filter-rule').value;
    const reason = $('filter-reason').value, language = $('filter-language').value;
    const query = $('search').value.trim().toLowerCase();
    const ruleIndex = rule ? labels.indexOf(rule) : -1;
    if (query && !lowered) {
      lowered = docs.id.map((id, i) => `${id}\n${docs.source[i]}\n${docs.url[i] || ''}\n${docs.text[i] || ''}`.toLowerCase());
    }
    const out = [];
    for (let i = 0; i < n; i++) {
      if (stage && !(docs.stage[i] === stage || [...docLabels[i]].some((l) => labelStage[l] === stage))) continue;
      if (rule && !docLabels[i].has(ruleIndex)) continue;
      if (reason === '(kept)' && !docs.kept[i]) continue;
      if (reason === '(dropped)' && docs.kept[i]) continue;
      if (reason && reason[0] !== '(' && docs.reason[i] !== reason) continue;
      if (language && docs.language[i] !== language) continue;
      if (query && !lowered[i].includes(query)) continue;
      out.push(i);
    }
    return out;
  }

  function refresh() {
    shown = matching();
    const pages = Math.max(1, Math.ceil(shown.length / PAGE));
    page = Math.min(page, pages - 1);
    $('list-count').textContent = `${shown.length.toLocaleString('en')} of ${n.toLocaleString('en')} documents`;
    $('page-info').textContent = `page ${page + 1} of ${pages}`;
    $('page-prev').disabled = page === 0;
    $('page-next').disabled = page >= pages - 1;
    const list = $('doc-list');
    list.replaceChildren();
    for (const i of shown.slice(page * PAGE, (page + 1) * PAGE)) {
      const item = el('li', i === current ? 'current' : null);
      item.dataset.index = String(i);
      item.append(el('div', 'id', docs.id[i]));
      const meta = el('div', 'meta');
      meta.append(el('span', `badge ${docs.kept[i] ? 'kept' : 'dropped'}`, docs.kept[i] ? 'kept' : `dropped: ${docs.reason[i]}`));
      const edits = data.edits[i] ? data.edits[i].length / 5 : 0;
      meta.append(`${docs.language[i] || ''} · ${edits} edit${edits === 1 ? '' : 's'} · ${docs.source[i]}`);
      item.append(meta);
      item.addEventListener('click', () => openDocument(i));
      list.append(item);
    }
  }
  $('page-prev').addEventListener('click', () => { page--; refresh(); });
  $('page-next').addEventListener('click', () => { page++; refresh(); });

  // ---- one document: its original rebuilt by undoing the edits, then the diff ----
  function editsOf(i) {
    const flat = data.edits[i] || [];
    const edits = [];
    for (let k = 0; k < flat.length; k += 5) {
      edits.push({ label: labels[flat[k]], start: flat[k + 1], end: flat[k + 2], before: flat[k + 3], after: flat[k + 4] });
    }
    return edits;  // in seq order
  }

  // Offsets are code points (Python string indices); JavaScript strings are UTF-16, so work on arrays of code points.
  // As corpus/edits.py replays: the text is cut once per run of edits moving one way through it (each
  // stage's are such runs), not once per edit, so a document of 276,755 edits opens in a moment.
  function original(text, edits) {
    let rest = Array.from(text), limit = rest.length, done = [];
    for (let k = edits.length - 1; k >= 0; k--) {
      const e = edits[k], end = e.start + Array.from(e.after).length;
      if (end > limit) { rest = rest.slice(0, limit).concat(done.reverse().flat()); limit = rest.length; done = []; }
      done.push(rest.slice(end, limit), Array.from(e.before));
      limit = e.start;
    }
    return rest.slice(0, limit).concat(done.reverse().flat());
  }

  // The same algorithm as corpus/audit/diff.py: chunks of kept, deleted and inserted text, walked once per
  // run of edits moving forward (`done` holds the chunks no later edit of the run can change).
  function segments(originalChars, edits) {
    let done = [], doneLength = 0, rest = originalChars.length ? [['same', originalChars, '']] : [], r = 0;
    for (const e of edits) {
      if (e.start < doneLength) { rest = done.concat(rest.slice(r)); r = 0; done = []; doneLength = 0; }
      const start = e.start - doneLength, end = e.end - doneLength;
      let position = 0;
      while (r < rest.length) {
        const [kind, chars, label] = rest[r++];
        if (kind === 'del') { done.push([kind, chars, label]); continue; }
        const low = Math.min(Math.max(start - position, 0), chars.length);
        const high = Math.min(Math.max(end - position, 0), chars.length);
        position += chars.length;
        if (low > 0) { done.push([kind, chars.slice(0, low), label]); doneLength += low; }
        if (high > low && kind === 'same') done.push(['del', chars.slice(low, high), e.label]);
        if (high < chars.length) { rest[--r] = [kind, chars.slice(high), label]; break; }
      }
      const after = Array.from(e.after);
      if (after.length) { done.push(['ins', after, e.label]); doneLength += after.length; }
    }
    const chunks = done.concat(rest.slice(r));
    const result = [];
    let before = [], afterText = [], changeLabels = [];
    const pushSame = (text) => {
      if (result.length && typeof result[result.length - 1] === 'string') result[result.length - 1] += text;
      else result.push(text);
    };
    const flush = () => {
      if (changeLabels.length) {
        const removed = before.join(''), added = afterText.join('');
        // Edits that undo each other ("x" out, "x" back in) change nothing.
        if (removed === added) pushSame(removed);
        else result.push({ before: removed, after: added, labels: [...new Set(changeLabels)] });
      }
      before = []; afterText = []; changeLabels = [];
    };
    for (const [kind, chars, label] of chunks) {
      if (kind === 'same') { flush(); pushSame(chars.join('')); }
      else { (kind === 'del' ? before : afterText).push(chars.join('')); changeLabels.push(label); }
    }
    flush();
    return toWords(result);
  }

  // As corpus/audit/diff.py: a change inside a word covers the whole word (git diff --word-diff).
  const WORD_END = /[\p{L}\p{N}_]+$/u, WORD_START = /^[\p{L}\p{N}_]+/u;
  function toWords(parts) {
    for (let k = 0; k < parts.length; k++) {
      const part = parts[k];
      if (typeof part === 'string' || /^\s*$/.test(part.before + part.after)) continue;
      const previous = parts[k - 1], next = parts[k + 1];
      if (typeof previous === 'string' && (WORD_START.test(part.before) || WORD_START.test(part.after))) {
        const found = WORD_END.exec(previous);
        if (found) { parts[k - 1] = previous.slice(0, found.index); part.before = found[0] + part.before; part.after = found[0] + part.after; }
      }
      if (typeof next === 'string' && (WORD_END.test(part.before) || WORD_END.test(part.after))) {
        const found = WORD_START.exec(next);
        if (found) { parts[k + 1] = next.slice(found[0].length); part.before += found[0]; part.after += found[0]; }
      }
    }
    return parts.filter((part) => part !== '');
  }

  const visible = (text) => /^\s+$/.test(text)
    ? text.replace(/\n/g, '⏎').replace(/ /g, '·').replace(/\t/g, '→').replace(/\s/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : text;

  function changeNode(change, side) {
    const span = el('span', 'chg');
    span.title = change.labels.join('\n');
    span.dataset.label = change.labels.join(', ');  // shown on hover by the stylesheet (attr(), text only)
    const blank = (text) => /^\s+$/.test(text);
    if (side !== 'after' && change.before) {
      span.append(el('del', blank(change.before) ? 'ws' : null, visible(change.before)));
      if (side === 'before' && blank(change.before) && change.before.includes('\n')) span.append('\n'.repeat(change.before.split('\n').length - 1));
    }
    if (side !== 'before' && change.after) {
      span.append(el('ins', blank(change.after) ? 'ws' : null, visible(change.after)));
      if (blank(change.after) && change.after.includes('\n')) span.append('\n'.repeat(change.after.split('\n').length - 1));
    }
    return span;
  }

  function render(parts, side) {
    const pre = el('div', 'text');
    for (const part of parts) {
      if (typeof part === 'string') pre.append(part);
      else if ((side === 'before' && part.before) || (side === 'after' && part.after) || !side) pre.append(changeNode(part, side));
    }
    return pre;
  }

  function openDocument(i, fromHash) {
    current = i;
    for (const item of $('doc-list').children) item.classList.toggle('current', Number(item.dataset.index) === i);
    if (!fromHash) {
      try { history.replaceState(null, '', `#doc=${encodeURIComponent(docs.id[i])}`); } catch { /* an id no URL can hold */ }
    }
    const view = $('doc-view');
    view.replaceChildren();
    view.append(el('h2', null, docs.id[i]));
    const meta = el('dl', 'meta');
    const add = (name, value) => { if (value !== null && value !== undefined && value !== '') { meta.append(el('dt', null, name)); const dd = el('dd'); dd.append(value); meta.append(dd); } };
    add('source', docs.source[i]);
    add('url', docs.url[i]);  // shown as text: a URL from the corpus is never a link
    add('status', status(i));
    add('detail', docs.detail[i]);
    add('language', docs.language[i]);
    if (docs.duplicate_of[i]) {
      const target = byId.get(docs.duplicate_of[i]);
      const link = el('button', 'link', docs.duplicate_of[i]);
      link.type = 'button';
      if (target === undefined) link.disabled = true;
      else link.addEventListener('click', () => openDocument(target));
      add('duplicate of', link);
    }
    view.append(meta);
    const edits = editsOf(i);
    const text = docs.text[i];
    if (text === null) { view.append(el('p', 'muted', 'This record could not be read, so it has no text.')); return; }
    const parts = segments(original(text, edits), edits);
    const changes = parts.filter((part) => typeof part !== 'string');
    const counts = new Map();
    for (const e of edits) counts.set(e.label, (counts.get(e.label) || 0) + 1);
    const summary = el('p', 'muted', `${edits.length} edit${edits.length === 1 ? '' : 's'} in ${changes.length} change${changes.length === 1 ? '' : 's'}: `);
    for (const [label, count] of counts) summary.append(el('span', 'badge rule', `${label} ×${count}`));
    view.append(summary);
    const tabs = el('div', 'tabs');
    const body = el('div');
    const views = {
      'Inline diff': () => render(parts, null),
      'Side by side': () => { const side = el('div', 'side'); side.append(render(parts, 'before'), render(parts, 'after')); return side; },
      'Cleaned': () => el('div', 'text', text),
      'Original': () => el('div', 'text', parts.map((p) => typeof p === 'string' ? p : p.before).join('')),
    };
    for (const name of Object.keys(views)) {
      const button = el('button', null, name);
      button.type = 'button';
      button.setAttribute('aria-pressed', 'false');
      button.addEventListener('click', () => {
        for (const other of tabs.children) other.setAttribute('aria-pressed', String(other === button));
        body.replaceChildren(views[name]());
      });
      tabs.append(button);
    }
    view.append(tabs, body);
    tabs.children[0].click();
  }

  function fromHash() {
    // The fragment is whatever the address bar holds: a malformed escape (%E0%A4%A) is read as written.
    const match = /^#doc=(.*)$/s.exec(location.hash);
    if (!match) return;
    let id = match[1];
    try { id = decodeURIComponent(id); } catch { /* not an escape sequence: the text as it stands */ }
    const i = byId.get(id);
    if (i !== undefined) openDocument(i, true);
  }
  window.addEventListener('hashchange', fromHash);
  refresh();
  fromHash();
  document.body.dataset.ready = 'true';
})().catch((error) => {
  document.getElementById('run-line').textContent = `The report could not be read: ${error}`;
  throw error;
});
