/* The cashier's check page: identify the customer, build the check, evaluate it live on
   every change (the server renders the result), confirm. Plain JS, no dependencies. */
(function () {
  "use strict";
  var root = document.getElementById("till");
  if (!root) return;
  var urls = JSON.parse(document.getElementById("till-urls").textContent);
  var text = JSON.parse(document.getElementById("till-text").textContent);
  var csrf = root.dataset.csrf;
  var $ = function (id) { return document.getElementById(id); };

  function newToken() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + Math.random().toString(16).slice(2);
  }

  var state = {
    customer: null, spendable: "0.00", lines: [], manualRules: [], coupons: [], points: "",
    accounts: {}, giftCards: [], sold: [],
    token: newToken()
  };

  function request(method, url, body) {
    var options = { method: method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRFToken"] = csrf;
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = (data && data.error) || { message: text.failed };
          throw error;
        }
        return data;
      });
    }, function () { throw { message: text.failed }; });
  }

  // Prices in the page's language ("60,00" in uk), like the server-rendered totals.
  var priceFormat = new Intl.NumberFormat(document.documentElement.lang || undefined,
    { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false });
  function shownPrice(value) {
    var n = Number(value);
    return value === "" || value == null || !isFinite(n) ? String(value || "") : priceFormat.format(n);
  }

  function show(el, message, kind) {
    if (!message) { el.hidden = true; el.textContent = ""; return; }
    el.textContent = message;
    el.className = "alert alert--" + (kind || "error");
    el.hidden = false;
  }

  /* ---- customer ---- */
  function setCustomer(data) {
    state.customer = data ? data.customer : null;
    state.spendable = data ? data.spendable : "0.00";
    state.accounts = {};  // another customer's balances: the amounts typed go
    state.units = data && data.units_accounts || [];  // offered on the lines they cover
    state.unitsPaid = {};
    renderLines();
    $("customer").innerHTML = data ? data.html : $("customer").dataset.empty;
    $("customer-clear").hidden = !data;
    var points = $("points");
    points.disabled = !data || parseFloat(state.spendable) <= 0;
    points.max = state.spendable;
    if (points.disabled) { points.value = ""; state.points = ""; }
    $("points-limit").textContent = data ? text.limit.replace("%(amount)s", state.spendable) : "";
    changed();
  }
  $("customer").dataset.empty = $("customer").innerHTML;

  var lookups = 0;
  function lookup(params) {
    var mine = ++lookups;
    show($("customer-error"), "");
    return request("GET", urls.customer + "?" + new URLSearchParams(params)).then(function (data) {
      if (mine === lookups) setCustomer(data);  // an older search answering late is ignored
    }, function (e) {
      if (mine !== lookups) return;
      // A failed search leaves no customer on the check: the previous one must not be
      // credited by the next confirm. The check is evaluated again as anonymous.
      setCustomer(null);
      show($("customer-error"), e.message);
    });
  }

  $("identify").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = $("identify-value").value.trim();
    if (!value) return;
    // Phones are digits with an optional +, spaces, dashes or brackets; anything else is a card.
    var isPhone = /^[+\d][\d\s()\-]{5,}$/.test(value);
    lookup(isPhone ? { phone: value } : { card: value });
  });
  $("customer-clear").addEventListener("click", function () {
    lookups++;  // a search still under way must not bring a customer back
    $("identify-value").value = "";
    setCustomer(null);
  });
  $("register-open").addEventListener("click", function () {
    $("register").hidden = !$("register").hidden;
    if (!$("register").hidden) {
      var typed = $("identify-value").value.trim();
      if (typed) $("register").elements.phone.value = typed;
      $("register").elements.phone.focus();
    }
  });
  $("register").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    show($("customer-error"), "");
    request("POST", urls.register, { phone: form.elements.phone.value, name: form.elements.name.value })
      .then(function (data) { lookups++; form.hidden = true; form.reset(); setCustomer(data); },
            function (e) { show($("customer-error"), e.message); });
  });
  $("customer").addEventListener("click", function (event) {
    var button = event.target.closest(".use-coupon");
    if (button) addCoupon(button.dataset.code, true);
  });

  /* Camera scan of a card QR where the browser has BarcodeDetector (tablets' Chrome); else
     with the kiosk's html5-qrcode (static/terminal/scanner.js), loaded on the first press. */
  var scanning = null;
  var fallback = !("BarcodeDetector" in window) && urls.scanner && window.PerklineScanner
    ? window.PerklineScanner(urls.scanner, "scanner-view") : null;
  if (("BarcodeDetector" in window || fallback) && navigator.mediaDevices) {
    $("scan").hidden = false;
    $("scan").addEventListener("click", function () { startScan(null); });
    $("scan-stop").addEventListener("click", stopScan);
    // payments.md: a gift card's code (or its /gc/ link) by camera, into the gift-card field
    $("gift-card-scan").hidden = false;
    $("gift-card-scan").addEventListener("click", function () { startScan("gift-card"); });
  }
  function scannedGiftCard(raw) {
    $("gift-card-code").value = raw;  // the server reads a /gc/ link's code (core.links)
    $("gift-card-amount").focus();
  }
  function startScan(target) {
    if (fallback) {
      $("scanner").hidden = false;
      $("scanner-video").hidden = true;
      if (target) $("scanner").scrollIntoView({ block: "nearest" });
      scanning = { fallback: true };
      fallback.start(function (raw) { scanning = null; $("scanner").hidden = true; route(raw, target); })
        .catch(function () { stopScan(); show($("customer-error"), text.failed); });
      return;
    }
    var detector = new window.BarcodeDetector({ formats: ["qr_code", "code_128", "ean_13"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      var video = $("scanner-video");
      video.srcObject = stream;
      video.play();
      $("scanner").hidden = false;
      if (target) $("scanner").scrollIntoView({ block: "nearest" });
      scanning = { stream: stream };
      (function tick() {
        if (!scanning) return;
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stopScan();
            route(codes[0].rawValue, target);
          } else {
            setTimeout(tick, 250);
          }
        }, function () { setTimeout(tick, 500); });
      })();
    }, function () { show($("customer-error"), text.failed); });
  }
  function route(raw, target) {
    // A coupon's or certificate's QR holds its public link (/c/, /g/): the server
    // reads the code out of it (core.links); here it only picks the field.
    var link = /\/(c|g|gc)\/[^/?#]+\/?(?:[?#]|$)/.exec(raw);
    if (target === "gift-card" || (link && link[1] === "gc")) {
      scannedGiftCard(raw);
      return;
    }
    if (link && link[1] === "c") { addCoupon(raw); return; }
    if (link && link[1] === "g") {
      $("certificate-code").value = raw;
      $("certificate-form").requestSubmit();
      return;
    }
    $("identify-value").value = raw;
    lookup({ card: raw });
  }
  function stopScan() {
    if (scanning && scanning.fallback) fallback.stop();
    else if (scanning) scanning.stream.getTracks().forEach(function (t) { t.stop(); });
    scanning = null;
    $("scanner").hidden = true;
  }

  /* ---- items ---- */
  var search = $("goods-search"), results = $("goods-results"), found = [], searchTimer;
  search.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 180);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    clearTimeout(searchTimer);  // the typed search must not fire after Enter has picked the item
    var term = search.value.trim();
    if (!term) return;
    request("GET", urls.goods + "?q=" + encodeURIComponent(term)).then(function (data) {
      var exact = data.items.filter(function (i) { return i.code.toLowerCase() === term.toLowerCase(); })[0];
      var pick = exact || (data.items.length === 1 ? data.items[0] : null);
      if (pick) { addLine(pick); clearSearch(); } else { renderResults(data.items); }
    });
  });
  function runSearch() {
    var term = search.value.trim();
    // An emptied box only hides the list: taking the focus back here would steal it from the
    // field the cashier has moved on to (the points or a quantity) in the middle of typing.
    if (!term) { results.hidden = true; results.innerHTML = ""; return; }
    request("GET", urls.goods + "?q=" + encodeURIComponent(term)).then(function (data) {
      if (search.value.trim() === term) renderResults(data.items);
    });
  }
  function renderResults(items) {
    found = items;
    results.innerHTML = "";
    if (!items.length) {
      var li = document.createElement("li");
      li.className = "muted";
      li.textContent = text.noResults;
      results.appendChild(li);
    }
    items.forEach(function (item, index) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "search__item";
      button.dataset.index = index;
      button.innerHTML = "<span></span><code></code><span class='num'></span>";
      button.children[0].textContent = item.title;
      button.children[1].textContent = item.code;
      button.children[2].textContent = shownPrice(item.price);
      li.appendChild(button);
      results.appendChild(li);
    });
    results.hidden = false;
  }
  results.addEventListener("click", function (event) {
    var button = event.target.closest(".search__item");
    if (!button) return;
    addLine(found[Number(button.dataset.index)]);
    clearSearch();
  });
  function clearSearch() {
    clearTimeout(searchTimer);
    search.value = "";
    results.hidden = true;
    results.innerHTML = "";
    search.focus();
  }

  function addLine(item) {
    var line = state.lines.filter(function (l) { return l.code === item.code; })[0];
    if (line) {
      line.quantity = String(Math.round((parseFloat(line.quantity) + 1) * 1000) / 1000);
    } else {
      state.lines.push({ code: item.code, title: item.title, price: item.price, quantity: "1",
                         category: item.category || "" });
    }
    renderLines();
    changed();
  }
  // The item grid (grid.js) adds through the same path as the search.
  root.addEventListener("till:add", function (event) { addLine(event.detail); });
  function renderLines() {
    var body = $("lines");
    body.innerHTML = "";
    state.lines.forEach(function (line, index) {
      var tr = document.createElement("tr");
      tr.innerHTML = "<td><span class='line__title'></span> <code class='muted small'></code></td>" +
        "<td class='num'></td>" +
        "<td class='num'><input class='input input--qty' type='number' min='0.001' step='any' inputmode='decimal'></td>" +
        "<td><button type='button' class='btn btn--small btn--ghost remove'>×</button></td>";
      tr.querySelector(".line__title").textContent = line.title;
      tr.querySelector("code").textContent = line.code;
      tr.children[1].textContent = shownPrice(line.price);
      var qty = tr.querySelector("input");
      qty.value = line.quantity;
      qty.dataset.index = index;
      qty.setAttribute("aria-label", line.title);
      var remove = tr.querySelector(".remove");
      remove.dataset.index = index;
      remove.setAttribute("aria-label", text.remove + " " + line.title);
      unitsControl(line, index, tr);
      body.appendChild(tr);
    });
    $("lines-empty").hidden = state.lines.length > 0;
  }
  $("lines").addEventListener("input", function (event) {
    if (!event.target.classList.contains("input--qty")) return;
    state.lines[Number(event.target.dataset.index)].quantity = event.target.value;
    changed();
  });
  $("lines").addEventListener("click", function (event) {
    var button = event.target.closest(".remove");
    if (!button) return;
    state.lines.splice(Number(button.dataset.index), 1);
    renderLines();
    changed();
  });

  /* ---- rules, coupons, certificates, points ---- */
  document.querySelectorAll(".manual-rule").forEach(function (box) {
    box.addEventListener("change", function () {
      state.manualRules = Array.prototype.filter.call(
        document.querySelectorAll(".manual-rule"), function (b) { return b.checked; }
      ).map(function (b) { return Number(b.value); });
      changed();
    });
  });

  // A code joins the check only once the server knows it: a typo is refused at once.
  var couponNotes = {};
  function addCoupon(code, known) {
    code = (code || "").trim();
    var box = $("coupon-error");
    show(box, "");
    if (!code || state.coupons.indexOf(code) >= 0) return Promise.resolve(true);
    if (known) { pushCoupon(code, ""); return Promise.resolve(true); }
    show(box, text.checking, "info");
    var query = "?code=" + encodeURIComponent(code) +
      (state.customer && state.customer.id ? "&customer_id=" + state.customer.id : "");
    return request("GET", urls.coupon + query).then(function (data) {
      show(box, "");
      if (state.coupons.indexOf(data.code) < 0 && state.coupons.indexOf(code) < 0) {
        pushCoupon(code, data.note || "");
      }
      return true;
    }, function (e) { show(box, e.message); return false; });
  }
  function pushCoupon(code, note) {
    couponNotes[code] = note;
    state.coupons.push(code);
    renderCoupons();
    changed();
  }
  function renderCoupons() {
    var list = $("coupons");
    list.innerHTML = "";
    state.coupons.forEach(function (code, index) {
      var li = document.createElement("li");
      li.className = "chip";
      li.innerHTML = "<code></code><button type='button' class='chip__x'>×</button>";
      li.firstChild.textContent = code;
      if (couponNotes[code]) li.title = couponNotes[code];
      li.lastChild.dataset.index = index;
      li.lastChild.setAttribute("aria-label", text.remove + " " + code);
      list.appendChild(li);
    });
  }
  $("coupons").addEventListener("click", function (event) {
    var button = event.target.closest(".chip__x");
    if (!button) return;
    state.coupons.splice(Number(button.dataset.index), 1);
    renderCoupons();
    changed();
  });
  $("coupon-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = $("coupon-code");
    addCoupon(input.value).then(function (added) { if (added) input.value = ""; });
  });

  /* ---- units on the lines they pay for (payments.md: an account's `pays_for`) ---- */
  function unitsFor(line) {
    return (state.units || []).filter(function (a) {
      return a.goods.indexOf(line.code) >= 0 ||
        (!!line.category && a.categories.indexOf(line.category) >= 0);
    })[0];
  }
  function unitsTyped(account) {
    var typed = state.accounts[account.key];
    return typed && typed.value ? parseInt(typed.value, 10) || 0 : 0;
  }
  // Whole units only: as many as the line holds, at most what the account has left.
  function unitsOffered(line, account) {
    var left = Math.floor(parseFloat(account.active)) - unitsTyped(account);
    return Math.min(Math.floor(parseFloat(line.quantity) || 0), left);
  }
  function unitsControl(line, index, tr) {
    var account = unitsFor(line);
    if (!account || (state.unitsPaid || {})[line.code]) return;
    var n = unitsOffered(line, account);
    if (n < 1) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn--small pay-units";
    button.dataset.index = index;
    button.textContent = text.payUnits.replace("%(name)s", account.name).replace("%(n)s", n);
    var wrap = document.createElement("span");
    wrap.className = "pay-units-wrap";
    wrap.appendChild(document.createTextNode(" "));
    wrap.appendChild(button);
    tr.children[0].appendChild(wrap);
  }
  // A quantity typed changes what the line's control offers (without redrawing the input).
  $("lines").addEventListener("input", function (event) {
    if (!event.target.classList.contains("input--qty")) return;
    var tr = event.target.closest("tr"), index = Number(event.target.dataset.index);
    var old = tr.querySelector(".pay-units-wrap");
    if (old) old.remove();
    unitsControl(state.lines[index], index, tr);
  });
  $("lines").addEventListener("click", function (event) {
    var button = event.target.closest(".pay-units");
    if (!button) return;
    var line = state.lines[Number(button.dataset.index)], account = unitsFor(line);
    var n = account ? unitsOffered(line, account) : 0;
    if (n < 1) return;
    var value = String(unitsTyped(account) + n);
    state.accounts[account.key] = { value: value, units: true };
    var input = $("pay-" + account.key);
    if (input) input.value = value;  // "Pay from balances" shows the units the check takes
    state.unitsPaid[line.code] = account.key;
    renderLines();
    changed();
  });

  /* ---- payments from balances, gift cards (payments.md) ---- */
  $("customer").addEventListener("input", function (event) {
    var input = event.target.closest(".pay-account");
    if (!input) return;
    var value = input.value;
    if (value && parseFloat(value) > parseFloat(input.dataset.max)) {
      value = input.dataset.max;
      input.value = value;
    }
    state.accounts[input.dataset.account] = { value: value, units: !!input.dataset.units };
    changed();
  });
  function renderChips(listId, items, label) {
    var list = $(listId);
    if (!list) return;
    list.innerHTML = "";
    items.forEach(function (item, index) {
      var li = document.createElement("li");
      li.className = "chip";
      li.innerHTML = "<code></code><button type='button' class='chip__x'>×</button>";
      li.firstChild.textContent = label(item);
      li.lastChild.dataset.index = index;
      li.lastChild.setAttribute("aria-label", text.remove + " " + label(item));
      list.appendChild(li);
    });
  }
  function giftLabel(item) { return item.gift_card + " −" + item.amount; }
  function soldLabel(item) { return text.sell + " " + item.series + " " + item.amount + (item.code ? " " + item.code : ""); }
  [["gift-cards", "giftCards", giftLabel], ["sold", "sold", soldLabel]].forEach(function (spec) {
    var list = $(spec[0]);
    if (!list) return;
    list.addEventListener("click", function (event) {
      var button = event.target.closest(".chip__x");
      if (!button) return;
      state[spec[1]].splice(Number(button.dataset.index), 1);
      renderChips(spec[0], state[spec[1]], spec[2]);
      changed();
    });
  });
  $("gift-card-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = $("gift-card-code").value.trim(), amount = $("gift-card-amount").value.trim();
    if (!code || !amount) return;
    state.giftCards.push({ gift_card: code, amount: amount.replace(",", ".") });
    $("gift-card-code").value = "";
    $("gift-card-amount").value = "";
    renderChips("gift-cards", state.giftCards, giftLabel);
    changed();
  });
  if ($("sell-form")) {
    $("sell-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var amount = $("sell-amount").value.trim();
      if (!amount) return;
      state.sold.push({
        series: $("sell-series").value, amount: amount.replace(",", "."),
        code: $("sell-code").value.trim()
      });
      $("sell-amount").value = "";
      $("sell-code").value = "";
      renderChips("sold", state.sold, soldLabel);
      changed();
    });
  }
  function payments() {
    var list = [];
    Object.keys(state.accounts).forEach(function (key) {
      var entry = state.accounts[key];
      if (!entry.value || !(parseFloat(entry.value) > 0)) return;
      var payment = { account: key };
      payment[entry.units ? "units" : "amount"] = entry.value;
      list.push(payment);
    });
    return list.concat(state.giftCards);
  }

  $("certificate-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var box = $("certificate-message");
    if (!state.customer) { show(box, text.needCustomer); return; }
    var code = $("certificate-code").value.trim();
    if (!code) return;
    request("POST", urls.certificate, { code: code, customer_id: state.customer.id }).then(function (data) {
      $("certificate-code").value = "";
      show(box, data.activation.message, "success");
      setCustomer(data);
    }, function (e) { show(box, e.message); });
  });

  $("points").addEventListener("input", function (event) {
    var value = event.target.value;
    if (value && parseFloat(value) > parseFloat(state.spendable)) {
      value = state.spendable;
      event.target.value = value;
    }
    state.points = value;
    changed();
  });

  /* ---- evaluate and confirm ---- */
  function payload() {
    return {
      customer_id: state.customer ? state.customer.id : null,
      lines: state.lines.map(function (l) { return { code: l.code, quantity: l.quantity }; }),
      manual_rules: state.manualRules,
      coupons: state.coupons,
      pay_with_points: state.points || "0",
      payments: payments(),
      gift_cards_sold: state.sold,
      token: state.token
    };
  }

  var timer, sequence = 0;
  function changed() {
    clearTimeout(timer);
    timer = setTimeout(evaluate, 200);
  }
  function evaluate() {
    var mine = ++sequence;
    show($("check-error"), "");
    if (!state.lines.length) {
      $("result").innerHTML = $("result").dataset.empty;
      $("confirm").disabled = true;
      return;
    }
    request("POST", urls.evaluate, payload()).then(function (data) {
      if (mine !== sequence) return;  // an older answer arriving late
      $("result").innerHTML = data.html;
      $("confirm").disabled = false;
    }, function (e) {
      if (mine !== sequence) return;
      show($("check-error"), e.message);
      $("confirm").disabled = true;
    });
  }
  $("result").dataset.empty = $("result").innerHTML;

  $("confirm").addEventListener("click", function () {
    var button = $("confirm"), label = button.textContent;
    button.disabled = true;
    button.textContent = text.confirming;
    show($("check-error"), "");
    request("POST", urls.confirm, payload()).then(function (data) {
      window.location.assign(data.receipt_url);
    }, function (e) {
      // The check stays as it is: the cashier fixes what the message says and tries again.
      show($("check-error"), e.message);
      button.textContent = label;
      button.disabled = false;
      state.token = newToken();
    });
  });

  renderLines();
})();
