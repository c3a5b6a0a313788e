(function () {
  "use strict";
  // Names come from the export: they are written with textContent only, never as markup.
  var data = JSON.parse(document.getElementById("explorer-data").textContent);
  var root = document.getElementById("explorer");
  var hosts = data.hosts, guests = data.guests, clusters = data.clusters, findings = data.findings;
  var PAGE = 100;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function guestName(g) { return g >= 0 ? guests[g][0] : "(unknown guest)"; }
  function hostName(h) { return h >= 0 ? hosts[h].label : "–"; }
  function plural(n, word) { return n.toLocaleString("en") + " " + word + (n === 1 ? "" : "s"); }
  function running(g) { return g >= 0 && (guests[g][3] === "poweredOn" || guests[g][3] === null) && !guests[g][5]; }

  // ------------------------------------------------------------------ register cards
  function opener(text, show) {
    var b = el("button", text, "link");
    b.type = "button";
    b.addEventListener("click", show);
    return b;
  }
  function hostLink(h) { return h >= 0 ? opener(hosts[h].label, function () { showHost(h); }) : el("span", "–"); }
  function guestList(items, title) {
    var box = el("div", null, "card-part");
    box.appendChild(el("h4", title));
    var ul = el("ul");
    items.forEach(function (item) {
      var g = item[0], li = el("li"), owner = g >= 0 ? guests[g][2] : null;
      li.appendChild(opener(guestName(g), function () { showGuest(g); }));
      li.appendChild(el("span", " · " + (owner ? "owner " + owner : "owner unknown") +
        (item[1].length ? " · " + item[1].join(", ") : "") +
        (g >= 0 && guests[g][4] >= 0 ? " · guest cluster " + clusters[guests[g][4]].id : "")));
      ul.appendChild(li);
    });
    box.appendChild(ul);
    return box;
  }
  function clusterStep(c, h) {
    var cl = clusters[c], here = [], elsewhere = [];
    cl.nodes.forEach(function (g) {
      if (!running(g)) return;
      if (guests[g][1] === h) here.push(guestName(g)); else if (guests[g][1] >= 0) elsewhere.push(guestName(g));
    });
    var text = cl.id + " " + cl.name + ", " + cl.topology.replace(/-/g, " ") + (cl.suspected ? ", suspected" : "") + ": ";
    if (!here.length) return text + "no running node on this host";
    if (elsewhere.length) return text + "fail over " + here.join(", ") + " first, to " + elsewhere.join(", ");
    return text + "no running node on another host: the service stops while " + here.join(", ") +
      (here.length === 1 ? " is" : " are") + " off";
  }
  function hostCard(h) {
    var host = hosts[h], card = el("article", null, "card " + (host.evacuable ? "free" : "tied"));
    card.setAttribute("data-host", host.name);
    var head = el("h3");
    head.appendChild(el("span", host.label, "card-name"));
    card.appendChild(head);
    card.appendChild(el("p", host.evacuable && host.not_run ? "No tie found by the checks that could run; " +
      plural(host.not_run, "check") + " could not run on its export."
      : host.evacuable ? "Can be emptied by live migration now."
      : "Cannot be emptied by live migration now: power off " + plural(host.power_off.length, "guest") + " first.",
      "verdict"));
    var facts = el("dl");
    function fact(term, value) { facts.appendChild(el("dt", term)); facts.appendChild(el("dd", value)); }
    fact("Cluster", host.cluster || "standalone");
    if (host.site) fact("Site", host.site);
    fact("Wave", host.wave ? host.wave + " of " + data.waves : "none");
    fact("Guests", host.guests.toLocaleString("en"));
    var owners = {}, unknown = false;
    host.power_off.forEach(function (item) {
      var o = item[0] >= 0 ? guests[item[0]][2] : null;
      if (o) owners[o] = true; else unknown = true;
    });
    var names = Object.keys(owners).sort();
    if (host.power_off.length) fact("Owners to ask", (names.join(", ") || "none recorded") +
      (unknown && names.length ? " (and some guests have no owner)" : ""));
    fact("If it fails", host.stranded.length ? plural(host.stranded.length, "guest") + " could not restart elsewhere"
      : "every running guest can restart elsewhere");
    card.appendChild(facts);
    if (host.power_off.length) card.appendChild(guestList(host.power_off, "Guests to power off"));
    if (host.clusters.length) {
      var box = el("div", null, "card-part"), ul = el("ul");
      box.appendChild(el("h4", "Guest clusters"));
      host.clusters.forEach(function (c) { ul.appendChild(el("li", clusterStep(c, h))); });
      box.appendChild(ul);
      card.appendChild(box);
    }
    var later = host.at_power_on.filter(function (item) {
      return !host.power_off.some(function (p) { return p[0] === item[0]; });
    });
    if (later.length) card.appendChild(guestList(later, "Off now, tied once started"));
    if (host.stranded.length) card.appendChild(guestList(host.stranded, "Stranded if the host fails"));
    return card;
  }
  function guestCard(g) {
    var guest = guests[g], card = el("article", null, "card guest");
    card.setAttribute("data-guest", guest[0]);
    var head = el("h3");
    head.appendChild(el("span", guest[0], "card-name"));
    card.appendChild(head);
    var facts = el("dl");
    function fact(term, value) { facts.appendChild(el("dt", term)); var dd = el("dd"); dd.appendChild(value); facts.appendChild(dd); }
    fact("Host", hostLink(guest[1]));
    fact("Owner", el("span", guest[2] || "unknown"));
    fact("Power", el("span", guest[5] ? "template" : (guest[3] || "unknown")));
    if (guest[4] >= 0) fact("Guest cluster", el("span", clusters[guest[4]].id + " " + clusters[guest[4]].name));
    card.appendChild(facts);
    var own = findings.filter(function (f) { return f[2] === g; });
    if (own.length) {
      var box = el("div", null, "card-part"), ul = el("ul");
      box.appendChild(el("h4", "Findings"));
      own.forEach(function (f) { ul.appendChild(el("li", f[0] + " (" + f[1] + "): " + (data.rules[f[0]] || "") + " · " + f[5])); });
      box.appendChild(ul);
      card.appendChild(box);
    }
    return card;
  }
  var result = document.getElementById("explorer-result");
  function show(cards) {
    result.replaceChildren.apply(result, cards);
    result.scrollIntoView({block: "nearest"});
  }
  function showHost(h) { show([hostCard(h)]); }
  function showGuest(g) { show(guests[g][1] >= 0 ? [guestCard(g), hostCard(guests[g][1])] : [guestCard(g)]); }

  // ------------------------------------------------------------------ search
  var lowerHosts = null, lowerGuests = null;
  function search(query) {
    if (!lowerHosts) {
      lowerHosts = hosts.map(function (h) { return h.label.toLowerCase(); });
      lowerGuests = guests.map(function (g) { return String(g[0]).toLowerCase(); });
    }
    var exact = [], prefix = [], inside = [];
    function scan(list, kind) {
      for (var i = 0; i < list.length; i++) {
        var at = list[i].indexOf(query);
        if (at < 0) continue;
        var short = list[i].split(".")[0];
        var hit = [kind, i];
        if (list[i] === query || short === query) exact.push(hit);
        else if (at === 0) prefix.push(hit);
        else if (inside.length < 50) inside.push(hit);
      }
    }
    scan(lowerHosts, "host");
    scan(lowerGuests, "guest");
    return {hits: exact.concat(prefix, inside), exact: exact.length};
  }
  var box = document.getElementById("explorer-search"), list = document.getElementById("explorer-matches");
  var status = document.getElementById("explorer-status"), timer = null;
  function run() {
    var query = box.value.trim().toLowerCase();
    list.replaceChildren();
    if (!query) { status.textContent = ""; result.replaceChildren(); return; }
    var found = search(query), hits = found.hits;
    status.textContent = !hits.length ? "No host or guest matches." :
      hits.length.toLocaleString("en") + (hits.length === 1 ? " match" : " matches") + (hits.length > 20 ? ", the first 20 shown" : "");
    hits.slice(0, 20).forEach(function (hit) {
      var li = el("li"), name = hit[0] === "host" ? hosts[hit[1]].label : guestName(hit[1]);
      li.appendChild(opener(name, function () { hit[0] === "host" ? showHost(hit[1]) : showGuest(hit[1]); }));
      li.appendChild(el("span", " " + hit[0], "muted"));
      list.appendChild(li);
    });
    if (hits.length === 1 || found.exact === 1) {
      var first = hits[0];
      first[0] === "host" ? showHost(first[1]) : showGuest(first[1]);
    } else {
      result.replaceChildren();
    }
  }
  box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 120); });
  box.addEventListener("keydown", function (event) { if (event.key === "Enter") { clearTimeout(timer); run(); } });

  // ------------------------------------------------------------------ tables that sort and filter
  function table(id, rows, columns) {
    columns = columns.filter(function (col) { return !col.when || col.when(); });
    var section = document.getElementById(id);
    var filter = section.querySelector("input"), count = section.querySelector(".count");
    var tbl = section.querySelector("table"), body = el("tbody"), more = section.querySelector("button.more");
    var head = el("tr"), order = rows.slice(), shown = 0, sortBy = -1, ascending = true, texts = null;
    tbl.appendChild(el("thead")).appendChild(head);
    tbl.appendChild(body);
    columns.forEach(function (col, i) {
      var th = el("th", null, col.num ? "num" : null), b = el("button", col.label, "sort");
      b.type = "button";
      b.addEventListener("click", function () { sort(i); });
      th.appendChild(b);
      head.appendChild(th);
    });
    function text(r) {
      if (!texts) texts = rows.map(function (row) {
        return columns.map(function (c) { var v = c.value(row); return v === null ? "" : String(v); }).join("\u0001").toLowerCase();
      });
      return texts[r];
    }
    function apply() {
      var query = filter.value.trim().toLowerCase();
      order = [];
      for (var r = 0; r < rows.length; r++) if (!query || text(r).indexOf(query) >= 0) order.push(r);
      if (sortBy >= 0) {
        var col = columns[sortBy], keys = rows.map(col.value), sign = ascending ? 1 : -1;
        order.sort(function (a, b) {
          var x = keys[a], y = keys[b];
          if (x === y) return a - b;
          if (x === null || x === undefined) return 1;
          if (y === null || y === undefined) return -1;
          return (col.num ? x - y : String(x).localeCompare(String(y), "en", {numeric: true})) * sign;
        });
      }
      body.replaceChildren();
      shown = 0;
      page();
    }
    function page() {
      var end = Math.min(order.length, shown + PAGE);
      for (; shown < end; shown++) {
        var row = rows[order[shown]], tr = el("tr");
        columns.forEach(function (col) {
          var td = el("td", null, col.num ? "num" : (col.long ? "long" : null));
          if (col.cell) td.appendChild(col.cell(row)); else { var v = col.value(row); td.textContent = v === null ? "–" : String(v); }
          tr.appendChild(td);
        });
        body.appendChild(tr);
      }
      count.textContent = "Showing " + shown.toLocaleString("en") + " of " + order.length.toLocaleString("en") +
        (order.length === rows.length ? "" : " (filtered from " + rows.length.toLocaleString("en") + ")");
      more.hidden = shown >= order.length;
    }
    function sort(i) {
      ascending = sortBy === i ? !ascending : true;
      sortBy = i;
      head.querySelectorAll("th").forEach(function (th, j) {
        if (j === i) th.setAttribute("aria-sort", ascending ? "ascending" : "descending"); else th.removeAttribute("aria-sort");
      });
      apply();
    }
    var wait = null;
    filter.addEventListener("input", function () { clearTimeout(wait); wait = setTimeout(apply, 150); });
    more.addEventListener("click", page);
    apply();
  }
  function indices(n) { var out = new Array(n); for (var i = 0; i < n; i++) out[i] = i; return out; }

  table("explorer-hosts", indices(hosts.length), [
    {label: "Host", value: function (h) { return hosts[h].label; }, cell: hostLink},
    {label: "Cluster", value: function (h) { return hosts[h].cluster; }},
    {label: "Site", value: function (h) { return hosts[h].site; }, when: function () { return hosts.some(function (x) { return x.site; }); }},
    {label: "Can be emptied", value: function (h) {
      var host = hosts[h];
      return !host.evacuable ? "no" : host.not_run ? "no tie found; " + plural(host.not_run, "check") + " could not run" : "yes";
    }},
    {label: "Guests to power off", num: true, value: function (h) { return hosts[h].power_off.length; }},
    {label: "Owners to ask", value: function (h) {
      var seen = {};
      hosts[h].power_off.forEach(function (item) { var o = item[0] >= 0 ? guests[item[0]][2] : null; if (o) seen[o] = true; });
      return Object.keys(seen).sort().join(", ");
    }},
    {label: "Wave", num: true, value: function (h) { return hosts[h].wave; }},
    {label: "Stranded if it fails", num: true, value: function (h) { return hosts[h].stranded.length; }},
    {label: "Guests", num: true, value: function (h) { return hosts[h].guests; }}
  ]);
  table("explorer-clusters", indices(clusters.length), [
    {label: "Id", value: function (c) { return clusters[c].id; }},
    {label: "Guest cluster", value: function (c) { return clusters[c].name; }},
    {label: "Topology", value: function (c) { return clusters[c].topology + (clusters[c].suspected ? " (suspected)" : ""); }},
    {label: "Nodes", long: true, value: function (c) { return clusters[c].nodes.map(guestName).join(", "); }},
    {label: "Hosts", long: true, value: function (c) { return clusters[c].hosts.map(hostName).join(", "); }},
    {label: "Rules", value: function (c) { return clusters[c].rules.join(", "); }}
  ]);
  table("explorer-findings", indices(findings.length), [
    {label: "Rule", value: function (f) { return findings[f][0]; }},
    {label: "Severity", value: function (f) { return findings[f][1]; }},
    {label: "Guest", value: function (f) { return findings[f][2] >= 0 ? guestName(findings[f][2]) : null; },
     cell: function (f) { var g = findings[f][2]; return g >= 0 ? opener(guestName(g), function () { showGuest(g); }) : el("span", "–"); }},
    {label: "Host", value: function (f) { return findings[f][3] >= 0 ? hostName(findings[f][3]) : null; },
     cell: function (f) { return hostLink(findings[f][3]); }},
    {label: "When", value: function (f) { return findings[f][4]; }},
    {label: "Evidence", long: true, value: function (f) { return findings[f][5]; }}
  ]);
  root.hidden = false;
  root.setAttribute("data-ready", "true");
})();
