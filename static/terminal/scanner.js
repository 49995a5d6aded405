/* Camera QR scanning with html5-qrcode, served by this site from static/vendor/ (fetched at
   install by scripts/fetch_assets.py, pinned and integrity-checked; no CDN). The library
   (~370 KB) is loaded on the first scan only, so pages that never scan stay small.

   window.PerklineScanner(src, elementId) -> { start(onCode) -> Promise, stop() -> Promise,
   scanFile(file) -> Promise<text> }; onCode(text) is called once, then the camera stops. */
(function () {
  "use strict";
  var loading = null;

  function load(src) {
    if (window.__Html5QrcodeLibrary__) return Promise.resolve(window.__Html5QrcodeLibrary__);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.async = true;
        script.onload = function () {
          if (window.__Html5QrcodeLibrary__) resolve(window.__Html5QrcodeLibrary__);
          else reject(new Error("scanner library missing"));
        };
        script.onerror = function () {
          loading = null;  // a later press may try again
          reject(new Error("scanner library missing"));
        };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  window.PerklineScanner = function (src, elementId) {
    var reader = null;
    var running = false;

    function make() {
      return load(src).then(function (lib) {
        if (!reader) {
          var formats = lib.Html5QrcodeSupportedFormats;
          reader = new lib.Html5Qrcode(elementId, {
            verbose: false,
            formatsToSupport: [formats.QR_CODE, formats.CODE_128, formats.EAN_13],
          });
        }
        return reader;
      });
    }

    var stopping = Promise.resolve();

    // A photo scanned right after the camera stopped waits for the camera to let go: the
    // library refuses a file scan while its camera scan is still winding down.
    function stop() {
      if (!reader || !running) return stopping;
      running = false;
      stopping = reader.stop().then(function () { reader.clear(); }, function () {});
      return stopping;
    }

    function start(onCode) {
      return make().then(function (r) {
        var done = false;
        running = true;
        return r.start(
          { facingMode: "environment" },
          {
            fps: 10,
            qrbox: function (w, h) {
              var side = Math.floor(Math.min(w, h) * 0.8);
              return { width: side, height: side };
            },
          },
          function (text) {
            if (done) return;  // the library reports every frame that holds the code
            done = true;
            stop().then(function () { onCode(text); });
          },
          function () {}  // frames without a code: keep looking
        ).catch(function (problem) { running = false; throw problem; });
      });
    }

    function scanFile(file) {
      return stop().then(make).then(function (r) { return r.scanFile(file, false); });
    }

    return { start: start, stop: stop, scanFile: scanFile };
  };
})();
