// The claim page as a desk: a figure typed as worded is read by the
// registry (and its fields filled) before saving; a quote is looked up in
// its document, with each occurrence to pick or the closest passage to use
// instead; a quote found is read for who said it (from its sentence), the
// claim's kind and a first statement, filling only empty fields.
// The server does the reading (registry/admin/desk.py); the form
// repeats it on save, so the page works without this script too.
"use strict";
(function () {
  var desk = null;
  var timers = {};
  // The registry's JavaScript catalog (registry/jsi18n/, loaded by the
  // claim page) when present. Called gettext so that makemessages
  // -d djangojs finds the strings.
  var gettext = window.gettext || function (text) { return text; };
  function fmt(text, values) {
    return window.interpolate ? window.interpolate(text, values, true) :
      text.replace(/%\((\w+)\)s/g, function (m, k) { return values[k]; });
  }

  function later(key, fn, ms) {
    clearTimeout(timers[key]);
    timers[key] = setTimeout(fn, ms);
  }

  function prefixOf(el) {
    // "id_figures-0-stated" -> "id_figures-0-"
    return el.id.replace(/[^-]+$/, "");
  }

  function field(prefix, name) {
    return document.getElementById(prefix + name);
  }

  function box(el, cls) {
    var next = el.parentNode.querySelector("." + cls);
    if (!next) {
      next = document.createElement("div");
      next.className = cls;
      next.setAttribute("aria-live", "polite");
      el.insertAdjacentElement("afterend", next);
    }
    return next;
  }

  function getJSON(url, params) {
    var query = new URLSearchParams(params).toString();
    return fetch(url + "?" + query, {credentials: "same-origin"}).then(
      function (response) {
        return response.json();
      }
    );
  }

  function setValue(el, value, force) {
    if (!el || value === null || value === undefined) {
      return;
    }
    if (force || !el.value || el.dataset.autofilled === "1") {
      el.value = value;
      el.dataset.autofilled = "1";
    }
  }

  // -- figures

  function readFigure(input) {
    var prefix = prefixOf(input);
    var out = box(input, "figure-reading");
    var text = input.value.trim();
    if (!text) {
      out.textContent = "";
      return;
    }
    getJSON(desk.dataset.figureReading, {text: text}).then(function (r) {
      if (input.value.trim() !== text) {
        return; // typed on since
      }
      if (!r.ok) {
        out.className = "figure-reading figure-reading-error";
        out.textContent = r.error;
        return;
      }
      out.className = "figure-reading";
      setValue(field(prefix, "qualifier"), r.qualifier, true);
      setValue(field(prefix, "value"), r.value, true);
      var high = field(prefix, "value_high");
      if (high) {
        high.value = r.value_high === null ? "" : r.value_high;
      }
      setValue(field(prefix, "metric"), r.metric, false);
      setValue(field(prefix, "subject"), r.subject, false);
      var parts = [r.qualifier_label + " " + r.value];
      if (r.value_high !== null) {
        parts[0] += "\u2013" + r.value_high;
      }
      if (r.metric_label) {
        parts.push(r.metric_label);
      }
      if (r.subject) {
        parts.push(r.subject);
      }
      out.textContent =
        "\u2192 " + parts.join(" \u00b7 ") + " \u00b7 " +
        fmt(gettext("interval %(interval)s"), {interval: r.interval});
      if (r.breakdown) {
        // A part list: offer to record the total with its parts in one go.
        var listed = r.breakdown.parts.map(function (p) {
          return p.value + " " + (p.subject || "?");
        });
        out.textContent += " \u00b7 " + fmt(
          r.breakdown.total_stated
            ? gettext("a total with its parts: %(parts)s (tick \u201cRecord its parts too\u201d to record them)")
            : gettext("parts of a total: %(parts)s (tick \u201cRecord its parts too\u201d to record them and their computed total)"),
          {parts: listed.join(" + ")});
      }
    });
  }

  // A quote that states a count ("at least eight soldiers") is the first
  // figure's wording too, unless the editor typed one already.
  function offerQuoteAsFigure(quote) {
    var wording = document.getElementById("id_figures-0-stated");
    var kind = document.getElementById("id_kind");
    if (!kind || kind.value !== "casualty_figure") {
      return; // only a casualty figure claim is sure to want a figure
    }
    if (!wording || (wording.value && wording.dataset.autofilled !== "1")) {
      return;
    }
    getJSON(desk.dataset.figureReading, {text: quote}).then(function (r) {
      if (r.ok && (!wording.value || wording.dataset.autofilled === "1")) {
        wording.value = quote;
        wording.dataset.autofilled = "1";
        readFigure(wording);
      }
    });
  }

  // -- who said it: read from the quote's sentence

  // Fills only what the editor left empty (or what an earlier reading
  // filled): the originator, the relays, the claim's kind and a first
  // statement. All of it is in sight before saving, and the form checks
  // it all again on save.
  function applyReading(prefix, reading, out) {
    if (!reading) {
      return;
    }
    var originator = field(prefix, "originator");
    if (originator && reading.originator &&
        (!originator.value || originator.value === originator.dataset.autofilledValue)) {
      var id = String(reading.originator.id);
      var option = Array.prototype.find.call(originator.options, function (o) {
        return o.value === id;
      });
      if (!option) {
        option = new Option(reading.originator.label, id, true, true);
        originator.appendChild(option);
      }
      originator.value = id;
      originator.dataset.autofilledValue = id;
      if (window.django && window.django.jQuery) {
        window.django.jQuery(originator).trigger("change");
      }
    }
    if (reading.relays) {
      setValue(field(prefix, "relays_text"), reading.relays, false);
    }
    var kind = document.getElementById("id_kind");
    if (kind && reading.kind) {
      setValue(kind, reading.kind, false);
    }
    var statement = document.getElementById("id_statement");
    if (statement && reading.statement) {
      setValue(statement, reading.statement, false);
    }
    if (out && (reading.originator || reading.originator_text)) {
      var said = document.createElement("p");
      said.className = "quote-said-by";
      said.textContent = reading.originator ?
        fmt(gettext("Said by %(source)s, as the sentence reads."),
          {source: reading.originator.label}) :
        fmt(gettext("The sentence names “%(name)s”, not a registered source: add it, or choose the originator."),
          {name: reading.originator_text});
      out.appendChild(said);
    }
  }

  // -- quotes

  function useSpan(prefix, start, end) {
    var s = field(prefix, "start");
    var e = field(prefix, "end");
    if (s) {
      s.value = start;
    }
    if (e) {
      e.value = end;
    }
  }

  function searchQuote(textarea) {
    var prefix = prefixOf(textarea);
    var doc = field(prefix, "document");
    var out = box(textarea, "quote-matches");
    var quote = textarea.value;
    if (!doc || !doc.value || !quote.trim()) {
      out.textContent = "";
      return;
    }
    getJSON(desk.dataset.quoteSearch, {document: doc.value, quote: quote}).then(
      function (r) {
        if (textarea.value !== quote) {
          return;
        }
        out.textContent = "";
        if (!r.ok) {
          out.textContent = r.error;
          return;
        }
        var found = r.occurrences;
        if (found.length === 1) {
          useSpan(prefix, found[0].start, found[0].end);
          out.textContent =
            "\u2714 " + fmt(gettext("Found in the document at characters %(start)s\u2013%(end)s."),
              {start: found[0].start, end: found[0].end});
          applyReading(prefix, r.reading, out);
          offerQuoteAsFigure(quote);
          return;
        }
        if (found.length > 1) {
          useSpan(prefix, "", "");
          offerQuoteAsFigure(quote);
          var p = document.createElement("p");
          p.textContent =
            fmt(gettext("The quote occurs %(count)s times: pick the one you cite."),
              {count: found.length});
          out.appendChild(p);
          found.forEach(function (o, i) {
            var label = document.createElement("label");
            label.className = "quote-occurrence";
            var radio = document.createElement("input");
            radio.type = "radio";
            radio.name = prefix + "occurrence";
            radio.value = i;
            radio.addEventListener("change", function () {
              useSpan(prefix, o.start, o.end);
              getJSON(desk.dataset.quoteSearch,
                {document: doc.value, quote: quote, start: o.start}).then(
                function (picked) {
                  if (picked.ok && textarea.value === quote) {
                    var old = out.querySelector(".quote-said-by");
                    if (old) {
                      old.remove();
                    }
                    applyReading(prefix, picked.reading, out);
                    offerQuoteAsFigure(quote);
                  }
                });
            });
            label.appendChild(radio);
            label.appendChild(document.createTextNode(" \u2026" + o.before));
            var mark = document.createElement("mark");
            mark.textContent = o.text;
            label.appendChild(mark);
            label.appendChild(document.createTextNode(o.after + "\u2026"));
            out.appendChild(label);
          });
          return;
        }
        if (r.closest) {
          var note = document.createElement("p");
          note.textContent =
            gettext("Not verbatim in the document. The closest passage is:");
          var q = document.createElement("blockquote");
          q.className = "quote-closest";
          q.textContent = r.closest.text;
          var use = document.createElement("button");
          use.type = "button";
          use.className = "button quote-use-closest";
          use.textContent = gettext("Use the document\u2019s text");
          use.addEventListener("click", function () {
            textarea.value = r.closest.text;
            useSpan(prefix, r.closest.start, r.closest.end);
            out.textContent =
              "\u2714 " + fmt(
                gettext("Quote set to the document\u2019s text at characters %(start)s\u2013%(end)s."),
                {start: r.closest.start, end: r.closest.end});
          });
          out.appendChild(note);
          out.appendChild(q);
          out.appendChild(use);
          return;
        }
        out.textContent = "\u2716 " + gettext("The quote does not occur in the document.");
      }
    );
  }

  // -- the confidence control: a rationale when leaving the suggestion

  function confidenceChanged() {
    var select = document.getElementById("id_t_confidence");
    var suggested = document.getElementById("suggested-confidence");
    var rationale = document.getElementById("id_t_rationale");
    if (!select || !suggested || !rationale) {
      return;
    }
    var differs = select.value !== suggested.dataset.level;
    rationale.required = differs;
    var need = document.getElementById("rationale-need");
    if (need) {
      need.classList.toggle("needed", differs);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    desk = document.getElementById("claim-desk");
    confidenceChanged();
    var select = document.getElementById("id_t_confidence");
    if (select) {
      select.addEventListener("change", confidenceChanged);
    }
    if (!desk) {
      return;
    }
    document.addEventListener("input", function (event) {
      var el = event.target;
      if (el.classList.contains("figure-wording")) {
        delete el.dataset.autofilled; // typed by hand: a quote won't replace it
        later(el.id, function () { readFigure(el); }, 250);
      } else if (el.classList.contains("quote-entry")) {
        later(el.id, function () { searchQuote(el); }, 350);
      } else if (el.dataset && el.dataset.autofilled) {
        delete el.dataset.autofilled; // typed by hand: keep it
      }
    });
    function documentChanged(event) {
      var el = event.target;
      if (el && /^id_citations-\d+-document$/.test(el.id)) {
        var quote = field(prefixOf(el), "quote");
        if (quote) {
          searchQuote(quote);
        }
      }
    }
    document.addEventListener("change", documentChanged);
    // The autocomplete box (select2) announces its choice through jQuery.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(document).on("change", "select", documentChanged);
    }
  });
})();
