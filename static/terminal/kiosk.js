/* The kiosk page: talks only to the kiosk API (/api/v1/kiosk/...) with the device key kept in
   localStorage and the customer token answered by identify. Plain JS, no dependencies. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("kiosk-config").textContent);
  var text = config.texts;
  var KEY = "perkline.kioskKey";
  var $ = function (id) { return document.getElementById(id); };
  // {token, verified, customer, balances, coupons, offers}: where the program asks for a
  // one-time code, the customer's things arrive only with the verified code (otp/verify).
  var session = null;
  var idleTimer = null;

  // Figures and dates in the page's language, as the server renders them: decimals come
  // from the API as "100.00" strings ("100,00" in uk); dates as Django's SHORT_DATE_FORMAT,
  // the one date format of every page ("06.01.2027" in uk, "01/06/2027" in en).
  var lang = document.documentElement.lang || undefined;
  var decimals = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false });
  function amount(value) {
    var n = Number(value);
    return value === null || value === undefined || value === "" || !isFinite(n) ? String(value || "") : decimals.format(n);
  }
  function day(iso) {
    // valid_to is in the business's time zone: its own date part is the day to show.
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!m) return iso || "";
    return new Intl.DateTimeFormat(lang, { day: "2-digit", month: "2-digit", year: "numeric" })
      .format(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  }

  function deviceKey() { return window.localStorage.getItem(KEY) || ""; }

  function screen(name) {
    ["setup", "start", "otp", "home", "use", "gift"].forEach(function (n) { $("screen-" + n).hidden = n !== name; });
    $("done").hidden = name === "setup" || name === "start";
    var focus = { setup: "device-key", start: "identify-value", otp: "otp-code" }[name];
    if (focus) $(focus).focus();
  }

  function error(message) {
    var box = $("kiosk-error");
    box.textContent = message || "";
    box.hidden = !message;
  }
  function notice(message) {
    var box = $("kiosk-notice");
    box.textContent = message || "";
    box.hidden = !message;
  }

  function call(method, url, body) {
    var headers = { "Accept": "application/json", "Authorization": "Token " + deviceKey() };
    if (session) headers["X-Customer-Token"] = session.token;
    var options = { method: method, headers: headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) return data;
        var problem = (data && data.error) || {};
        problem.status = response.status;
        if (!problem.message) problem.message = text.failed;
        throw problem;
      });
    }, function () { throw { status: 0, message: text.offline }; });
  }

  function handle(problem) {
    if ((problem.status === 401 || problem.status === 403) && !session) {
      error(text.badKey);  // the device key itself was refused
      screen("setup");
      return;
    }
    if (problem.status === 401) {  // the customer token ran out
      reset();
      error(problem.message);
      return;
    }
    if (problem.status === 429) {  // too many one-time codes or look-ups from here
      error(text.throttled);
      return;
    }
    if (problem.code === "otp_required") {
      screen("otp");
    }
    error(problem.message);
  }

  /* ---- idle timeout: back to the start after a while without a touch ---- */
  function touch() {
    clearTimeout(idleTimer);
    if (session) idleTimer = setTimeout(reset, config.idleSeconds * 1000);
  }
  ["pointerdown", "keydown", "input"].forEach(function (name) {
    document.addEventListener(name, touch, { passive: true });
  });

  function reset() {
    session = null;
    clearTimeout(idleTimer);
    error("");
    notice("");
    $("identify-value").value = "";
    $("otp-code").value = "";
    $("otp-sent-to").textContent = "";
    // Nothing of the last customer stays in the page, not even hidden.
    $("hello").textContent = "";
    ["balances", "tier", "stamps", "wallet", "offers"].forEach(function (id) { $(id).innerHTML = ""; });
    $("certificate-code").value = "";
    $("claim-code").value = "";
    $("use-code").textContent = "";
    $("staff-tools").hidden = true;
    pendingScan = null;
    stopScan();
    $("gift-phone").value = "";
    $("gift-qr").removeAttribute("src");
    $("gift-url").textContent = "";
    screen(deviceKey() ? "start" : "setup");
    if (deviceKey() && !about) loadAbout();
  }

  /* ---- the kiosk's business in the bar (its logo where it has one) ---- */
  var about = null;
  function loadAbout() {
    call("GET", config.api.about).then(function (data) {
      about = data;
      $("brand-name").textContent = data.business.name;
      var logo = $("brand-logo");
      if (data.business.logo) {
        logo.src = data.business.logo;
        logo.alt = data.business.name;
        logo.hidden = false;
      } else {
        logo.hidden = true;
      }
    }, function (problem) { if (problem.status === 401 || problem.status === 403) handle(problem); });
  }

  /* ---- setup ---- */
  $("setup-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var key = $("device-key").value.trim();
    if (!key) return;
    window.localStorage.setItem(KEY, key);
    $("device-key").value = "";
    reset();
  });
  $("forget-key").addEventListener("click", function () {
    window.localStorage.removeItem(KEY);
    about = null;
    $("brand-name").textContent = "Perkline";
    $("brand-logo").hidden = true;
    reset();
  });

  /* ---- identify and one-time code ---- */
  $("identify-form").addEventListener("submit", function (event) {
    event.preventDefault();
    error("");
    var value = $("identify-value").value.trim();
    if (!value) { error(text.enterPhoneOrCard); return; }
    var by = (event.submitter && event.submitter.value) || "phone";
    identify(by === "card" ? { card: value } : { phone: value });
  });

  function identify(body) {
    call("POST", config.api.identify, body).then(function (data) {
      session = { token: data.customer_token, verified: !data.otp_required };
      touch();
      if (data.otp_required) {
        $("otp-sent-to").textContent = text.codeSentTo.replace("%(phone)s", data.otp_sent_to || "");
        screen("otp");
        return;
      }
      showCustomer(data);
    }, handle);
  }

  function showCustomer(data) {
    session.customer = data.customer;
    session.balances = data.balances;
    if (data.accounts) session.accounts = data.accounts;
    session.coupons = data.coupons;
    session.offers = data.offers;
    session.stamps = data.stamps;
    session.tier = data.tier;
    renderHome();
    screen("home");
    // a coupon or certificate scanned before the customer was known opens now
    if (pendingScan) { var raw = pendingScan; pendingScan = null; scanned(raw); }
  }

  $("otp-form").addEventListener("submit", function (event) {
    event.preventDefault();
    error("");
    call("POST", config.api.otp, { code: $("otp-code").value.trim() }).then(function (data) {
      session.verified = true;
      $("otp-code").value = "";
      showCustomer(data);  // verify answers what identify keeps back until the code
      notice(text.verified);
    }, handle);
  });
  $("otp-cancel").addEventListener("click", reset);

  /* ---- home ---- */
  function renderHome() {
    var name = session.customer && session.customer.name;
    $("hello").textContent = name ? text.hello.replace("%(name)s", name) : text.helloAnon;
    renderBalances();
    renderTier();
    renderStamps();
    renderWallet();
    renderOffers();
  }

  // promotions.md: the tier and the progress to the next ("1200.00 more to Gold").
  function renderTier() {
    var box = $("tier");
    box.textContent = "";
    var tier = session.tier;
    if (!tier) return;
    var parts = [];
    if (tier.tier) parts.push(tier.tier);
    if (tier.next) {
      var missing = tier.measure === "visits" ? String(parseInt(tier.missing, 10)) : amount(tier.missing);
      parts.push((tier.measure === "visits" ? text.moreVisitsTo : text.moreTo)
        .replace("%(missing)s", missing).replace("%(next)s", tier.next));
    }
    box.textContent = parts.join(" · ");
  }

  // promotions.md: each stamp card as "4 of 6" with the stamps drawn.
  function renderStamps() {
    var list = $("stamps");
    list.innerHTML = "";
    (session.stamps || []).forEach(function (card) {
      var li = document.createElement("li");
      li.className = "stamp-card";
      var name = document.createElement("span");
      name.className = "stamp-card__name";
      name.textContent = card.name;
      var slots = document.createElement("span");
      slots.className = "stamp-card__slots";
      slots.setAttribute("aria-hidden", "true");
      for (var i = 0; i < card.of; i++) {
        var slot = document.createElement("span");
        slot.className = i < card.stamps ? "stamp stamp--on" : "stamp";
        slots.appendChild(slot);
      }
      var count = document.createElement("span");
      count.className = "stamp-card__count";
      count.dataset.testid = "stamp-count";
      count.textContent = text.stampsOf
        .replace("%(have)s", String(card.stamps))
        .replace("%(of)s", String(card.of));
      li.appendChild(name);
      li.appendChild(slots);
      li.appendChild(count);
      list.appendChild(li);
    });
  }

  // "1 unit", "3 units" (uk: 1 одиниця, 3 одиниці, 5 одиниць), "100.00 points" (uk "100,00
  // бала": a number written with decimals takes the fraction's form): the server sends the
  // word's forms by plural category; the browser's Intl.PluralRules picks one for the page's
  // language, told how many decimals the number is shown with.
  function unitWord(label, value) {
    if (!label.forms || !window.Intl || !Intl.PluralRules) return label.unit;
    var rules = new Intl.PluralRules(document.documentElement.lang || "en",
      { minimumFractionDigits: label.whole ? 0 : 2 });
    return label.forms[rules.select(Number(value))] || label.unit;
  }

  function renderBalances() {
    var list = $("balances");
    list.innerHTML = "";
    Object.keys(session.balances || {}).forEach(function (key) {
      var figures = session.balances[key];
      var div = document.createElement("div");
      div.className = "balance";
      var dt = document.createElement("dt");
      var label = (session.accounts || {})[key];
      dt.textContent = label ? label.name : (key === "bonus" ? text.points : key);
      var dd = document.createElement("dd");
      // prepaid units are whole: "3", not "3.00"
      var shown = label && label.whole ? figures.active.replace(/\.0+$/, "") : amount(figures.active);
      dd.textContent = shown + (label && label.unit ? " " + unitWord(label, figures.active) : "");
      dd.dataset.testid = "balance-" + key;
      if (figures.pending && figures.pending !== "0.00") {
        var pending = document.createElement("span");
        pending.className = "muted small";
        pending.textContent = " +" + amount(figures.pending) + " " + text.pending;
        dd.appendChild(pending);
      }
      div.appendChild(dt);
      div.appendChild(dd);
      list.appendChild(div);
    });
  }

  // The kiosk API names a wallet coupon's series by key; "free-dessert" reads "Free dessert".
  function humanize(key) {
    var words = String(key || "").replace(/[-_]+/g, " ").trim();
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function renderWallet() {
    var list = $("wallet");
    list.innerHTML = "";
    var coupons = session.coupons || [];
    if (!coupons.length) {
      var empty = document.createElement("li");
      empty.className = "muted";
      empty.textContent = text.noCoupons;
      list.appendChild(empty);
    }
    coupons.forEach(function (coupon) {
      var li = document.createElement("li");
      li.className = "wallet__item" + (coupon.usable_here ? "" : " is-unusable");
      var label = document.createElement("span");
      var title = document.createElement("strong");
      title.textContent = coupon.title || humanize(coupon.series);
      var code = document.createElement("code");
      code.textContent = " " + coupon.code;
      label.appendChild(title);
      label.appendChild(code);
      var until = document.createElement("span");
      until.className = "muted small";
      var parts = [];
      if (coupon.valid_to) parts.push(text.validUntil + " " + day(coupon.valid_to));
      if (!coupon.usable_here) parts.push(text.notUsableHere);
      until.textContent = parts.join(" · ");
      li.appendChild(label);
      li.appendChild(until);
      if (coupon.self_service && coupon.usable_here) {
        var use = document.createElement("button");
        use.type = "button";
        use.className = "btn btn--primary btn--big";
        use.textContent = text.useCoupon;
        use.dataset.testid = "use-coupon";
        use.addEventListener("click", function () { askToUse(coupon); });
        li.appendChild(use);
      }
      if (coupon.transferable && coupon.state === "in_wallet") {
        var give = document.createElement("button");
        give.type = "button";
        give.className = "btn btn--big";
        give.textContent = text.giveCoupon;
        give.dataset.testid = "give-coupon";
        give.addEventListener("click", function () { askToGive(coupon); });
        li.appendChild(give);
      }
      list.appendChild(li);
    });
  }

  /* ---- self-service redemption: confirm, redeem, show the code to the cashier ---- */
  var using = null;
  function askToUse(coupon) {
    error("");
    notice("");
    using = coupon;
    $("use-title").textContent = coupon.title || humanize(coupon.series);
    $("use-confirm").hidden = false;
    $("use-done").hidden = true;
    $("use-code").textContent = "";
    screen("use");
  }
  $("use-cancel").addEventListener("click", function () { using = null; screen("home"); });
  $("use-back").addEventListener("click", function () { using = null; screen("home"); });
  $("use-yes").addEventListener("click", function () {
    if (!using) return;
    var button = $("use-yes");
    button.disabled = true;
    call("POST", config.api.redeem.replace("{code}", encodeURIComponent(using.code))).then(function (data) {
      $("use-code").textContent = data.coupon.code;
      $("use-confirm").hidden = true;
      $("use-done").hidden = false;
      return refreshWallet();
    }, function (problem) { screen("home"); handle(problem); }).then(function () { button.disabled = false; });
  });

  /* ---- the device key is staff's: five quick taps on the name in the bar show it ---- */
  var taps = [];
  document.querySelector(".kiosk__brand").addEventListener("click", function () {
    var now = Date.now();
    taps = taps.filter(function (t) { return now - t < 4000; }).concat([now]);
    if (taps.length >= 5) {
      taps = [];
      $("staff-tools").hidden = false;
      setTimeout(function () { $("staff-tools").hidden = true; }, 15000);
    }
  });

  function renderOffers() {
    var list = $("offers");
    list.innerHTML = "";
    var offers = session.offers || [];
    if (!offers.length) {
      var empty = document.createElement("li");
      empty.className = "muted";
      empty.textContent = text.noOffers;
      list.appendChild(empty);
    }
    offers.forEach(function (offer) {
      var li = document.createElement("li");
      var label = document.createElement("span");
      var title = document.createElement("strong");
      title.textContent = offer.title + (offer.quantity > 1 ? " × " + offer.quantity : "");
      label.appendChild(title);
      if (offer.explanation) {
        var explanation = document.createElement("span");
        explanation.className = "muted small";
        explanation.textContent = " " + offer.explanation;
        label.appendChild(explanation);
      }
      var price = document.createElement("span");
      price.className = "price";
      price.textContent = text.price.replace("%(price)s", amount(offer.price));
      var buy = document.createElement("button");
      buy.type = "button";
      buy.className = "btn btn--primary btn--big";
      buy.textContent = text.buy;
      buy.addEventListener("click", function () { buyOffer(offer, buy); });
      li.appendChild(label);
      li.appendChild(price);
      li.appendChild(buy);
      list.appendChild(li);
    });
  }

  function refreshWallet() {
    return call("GET", config.api.wallet).then(function (coupons) {
      session.coupons = coupons;
      renderWallet();
    }, handle);
  }

  function buyOffer(offer, button) {
    error("");
    notice("");
    button.disabled = true;
    call("POST", config.api.buy.replace("{id}", offer.rule_id)).then(function (data) {
      session.balances = data.balances;
    if (data.accounts) session.accounts = data.accounts;
      renderBalances();
      notice(text.bought);
      return refreshWallet();
    }, handle).then(function () { button.disabled = false; });
  }

  $("certificate-form").addEventListener("submit", function (event) {
    event.preventDefault();
    error("");
    notice("");
    var code = $("certificate-code").value.trim();
    if (!code) return;
    call("POST", config.api.activate, { code: code }).then(function (data) {
      $("certificate-code").value = "";
      notice(data.message);
      return refreshWallet();
    }, handle);
  });

  $("claim-form").addEventListener("submit", function (event) {
    event.preventDefault();
    error("");
    notice("");
    var code = $("claim-code").value.trim();
    if (!code) return;
    var link = /\/c\/([^/?#]+)\/?(?:[?#]|$)/.exec(code);
    if (link) code = decodeURIComponent(link[1]);  // a pasted link: its code goes in the path
    call("POST", config.api.claim.replace("{code}", encodeURIComponent(code))).then(function () {
      $("claim-code").value = "";
      notice(text.claimed);
      return refreshWallet();
    }, handle);
  });

  /* ---- give a coupon to a friend: a link to scan, or sent to a phone (coupons.gifts) ---- */
  var giving = null;
  function askToGive(coupon) {
    error("");
    notice("");
    giving = coupon;
    $("gift-title").textContent = coupon.title || humanize(coupon.series);
    $("gift-ask").hidden = false;
    $("gift-done").hidden = true;
    $("gift-qr").hidden = true;
    $("gift-url").textContent = "";
    $("gift-phone").value = "";
    screen("gift");
  }
  function give(body) {
    if (!giving) return;
    error("");
    call("POST", config.api.gift.replace("{code}", encodeURIComponent(giving.code)), body).then(function (data) {
      $("gift-ask").hidden = true;
      $("gift-done").hidden = false;
      if (data.sent_to) {
        $("gift-done-text").textContent = text.giftSentTo.replace("%(phone)s", data.sent_to);
      } else {
        $("gift-done-text").textContent = text.giftLinkReady;
        $("gift-qr").src = data.qr;
        $("gift-qr").hidden = false;
        $("gift-url").textContent = data.link;
      }
    }, handle);
  }
  $("gift-link").addEventListener("click", function () { give({}); });
  $("gift-phone-form").addEventListener("submit", function (event) {
    event.preventDefault();
    give({ phone: $("gift-phone").value.trim() });
  });
  $("gift-back").addEventListener("click", function () {
    giving = null;
    screen("home");
    refreshWallet();
  });

  /* ---- camera scan (html5-qrcode, loaded on the first press) ---- */
  var scanner = config.scanner ? window.PerklineScanner(config.scanner, "scanner-view") : null;
  var pendingScan = null;
  document.querySelectorAll("[data-scan]").forEach(function (button) {
    if (!scanner) { button.hidden = true; return; }
    button.addEventListener("click", startScan);
  });
  function startScan() {
    error("");
    notice("");
    $("scanner").hidden = false;
    scanner.start(scanned).catch(function (problem) {
      // no library: nothing to scan with; no camera (or refused): a photo still works
      if (problem && /library/.test(String(problem.message))) {
        $("scanner").hidden = true;
        error(text.scannerMissing);
      } else {
        error(text.cameraFailed);
      }
    });
  }
  function stopScan() {
    if (scanner) scanner.stop();
    $("scanner").hidden = true;
  }
  $("scan-stop").addEventListener("click", stopScan);
  $("scan-file").addEventListener("change", function (event) {
    var file = event.target.files && event.target.files[0];
    event.target.value = "";
    if (!file || !scanner) return;
    error("");
    scanner.scanFile(file).then(scanned, function () { error(text.notReadable); });
  });

  // Normalised as the server compares codes: case and separators do not count.
  function sameCode(a, b) {
    var norm = function (x) { return String(x || "").toUpperCase().replace(/[^0-9A-Z]/g, ""); };
    return norm(a) === norm(b);
  }

  /* A scanned QR: a card (bare code) identifies; a coupon (/c/ link or, once identified, a
     bare code) opens when in the wallet, else is added to it; a certificate (/g/) is
     activated; a gift card (/gc/) belongs to the till. The server reads links (core.links). */
  function scanned(raw) {
    $("scanner").hidden = true;
    raw = String(raw || "").trim();
    if (!raw) return;
    var link = /\/(c|g|gc)\/([^/?#]+)\/?(?:[?#]|$)/.exec(raw);
    if (link && link[1] === "gc") { error(text.giftCardAtTill); return; }
    if (!session || !session.verified) {
      if (link) { pendingScan = raw; error(text.scanCardFirst); screen("start"); return; }
      $("identify-value").value = raw;
      identify({ card: raw });
      return;
    }
    if (link && link[1] === "g") {
      $("certificate-code").value = raw;
      $("certificate-form").requestSubmit();
      return;
    }
    var code = link ? decodeURIComponent(link[2]) : raw;
    var mine = (session.coupons || []).filter(function (c) { return sameCode(c.code, code); })[0];
    if (mine) {
      if (mine.self_service && mine.usable_here) askToUse(mine);
      else notice(text.inWallet);
      return;
    }
    $("claim-code").value = code;  // the code, not the link: it goes into the URL's path
    $("claim-form").requestSubmit();
  }

  $("done").addEventListener("click", reset);
  $("done-bottom").addEventListener("click", reset);

  reset();
})();
