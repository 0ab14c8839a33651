// A document's admin page, from text to draft claims (vanilla JS, no build):
// - "Propose claims": the proposer's offers beside the text; the editor
//   ticks, edits and accepts them (draft claims) or rejects them.
// - "Cite this": a selection in the text, cited into a new or existing claim.
// The server checks everything again (registry/admin/proposals.py); offsets
// count Unicode code points, as Python does. A file, not an inline script:
// the CSP allows no inline scripts.
"use strict";
(function () {
  var configNode = document.getElementById("document-editor-config");
  if (!configNode) {
    return;
  }
  var config = JSON.parse(configNode.textContent);
  var words = config.words;

  // ------------------------------------------------------------- helpers

  function csrfToken() {
    var input = document.querySelector("[name=csrfmiddlewaretoken]");
    if (input) {
      return input.value;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? match[1] : "";
  }

  function send(url, method, body) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response
        .json()
        .catch(function () {
          return { ok: false, errors: [response.status + " " + response.statusText] };
        })
        .then(function (data) {
          data.status = response.status;
          return data;
        });
    });
  }

  function make(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === undefined || value === null || value === false) {
        return;
      }
      if (name === "text") {
        node.textContent = value;
      } else if (name === "value") {
        node.value = value;
      } else if (name === "checked") {
        node.checked = Boolean(value);
      } else {
        node.setAttribute(name, value === true ? "" : value);
      }
    });
    (children || []).forEach(function (child) {
      if (child) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function select(name, choices, value, blank) {
    var node = make("select", { name: name });
    if (blank) {
      node.appendChild(make("option", { value: "", text: "---------" }));
    }
    choices.forEach(function (choice) {
      node.appendChild(make("option", { value: choice[0], text: choice[1] }));
    });
    node.value = value || "";
    return node;
  }

  function labelled(text, control) {
    return make("label", {}, [text + " ", control]);
  }

  function showErrors(container, errors) {
    var box = container.querySelector(":scope > .errors");
    if (!box) {
      box = make("ul", { class: "errors" });
      container.insertBefore(box, container.firstChild);
    }
    box.textContent = "";
    (errors || []).forEach(function (message) {
      box.appendChild(make("li", { text: message }));
    });
  }

  function claimLink(claim) {
    return make("p", { class: "done" }, [
      words.accepted + " ",
      make("a", { href: claim.url, text: claim.statement, class: "claim-link" }),
      " (" + claim.public_id + ", " + claim.state + ")",
    ]);
  }

  // ---------------------------------------------- a draft claim's fields

  var idCounter = 0;

  function figureFields(figure) {
    var box = make("fieldset", { class: "figure" });
    box.figure = figure;
    var include = make("input", { type: "checkbox", name: "include", checked: figure.include });
    var head = make("legend", {}, [labelled(words.include, include), " " + (figure.stated || "")]);
    box.appendChild(head);
    var metric = select("metric", config.choices.metric, figure.metric, true);
    var subject = make("input", { type: "text", name: "subject", value: figure.subject, size: 24 });
    box.appendChild(labelled(words.metric, metric));
    box.appendChild(labelled(words.subject, subject));
    if (figure.kind === "date") {
      box.appendChild(
        labelled(words.date_value, make("input", { type: "date", name: "date_value", value: figure.date_value }))
      );
      box.appendChild(
        labelled(words.date_precision, select("date_precision", config.choices.date_precision, figure.date_precision, false))
      );
    } else {
      box.appendChild(labelled(words.qualifier, select("qualifier", config.choices.qualifier, figure.qualifier, false)));
      box.appendChild(
        labelled(words.value, make("input", { type: "number", min: 0, name: "value", value: figure.value }))
      );
      if (figure.qualifier === "between" || figure.value_high !== null) {
        box.appendChild(
          labelled(words.value_high, make("input", { type: "number", min: 0, name: "value_high", value: figure.value_high }))
        );
      }
    }
    return box;
  }

  function readFigure(box) {
    if (!box.querySelector("[name=include]").checked) {
      return null;
    }
    var figure = Object.assign({}, box.figure);
    ["metric", "subject", "qualifier", "value", "value_high", "date_value", "date_precision"].forEach(function (name) {
      var control = box.querySelector("[name=" + name + "]");
      if (control) {
        figure[name] = control.value;
      }
    });
    delete figure.include;
    return figure;
  }

  // The form for one claim-to-be: statement, kind, originator, figures.
  function draftForm(offer, withClaimChoice, claims) {
    var form = make("div", { class: "draft-form" });
    form.offer = offer;
    idCounter += 1;
    if (withClaimChoice) {
      var target = select(
        "claim",
        claims.map(function (claim) {
          return [claim.public_id, claim.public_id + ": " + claim.statement.slice(0, 70)];
        }),
        "",
        false
      );
      target.insertBefore(make("option", { value: "", text: words.new_claim }), target.firstChild);
      target.value = "";
      form.appendChild(make("p", {}, [labelled(words.cite_into, target)]));
      target.addEventListener("change", function () {
        form.querySelector(".new-claim-fields").hidden = target.value !== "";
      });
    }
    var statement = make("textarea", { name: "statement", rows: 2, value: offer.statement });
    var kind = select("kind", config.choices.kind, offer.kind, false);
    var newClaimFields = make("div", { class: "new-claim-fields" }, [
      make("p", {}, [labelled(words.statement, statement)]),
      make("p", {}, [labelled(words.kind, kind)]),
    ]);
    if (config.events.length) {
      // The events the registry suggests for this document, the first preset.
      var event = select(
        "event",
        config.events.map(function (e) {
          var dates = e.date_earliest ? " (" + e.date_earliest + (e.date_latest && e.date_latest !== e.date_earliest ? " \u2013 " + e.date_latest : "") + ")" : "";
          return [e.id, e.title + " \u2014 " + e.place + dates];
        }),
        offer.event || config.events[0].id,
        false
      );
      event.insertBefore(make("option", { value: "", text: words.no_event }), event.firstChild);
      event.value = offer.event || config.events[0].id;
      event.title = config.events[0].reason;
      newClaimFields.appendChild(make("p", {}, [labelled(words.event, event)]));
    }
    form.appendChild(newClaimFields);
    var listId = "originator-" + idCounter;
    var originator = make("input", {
      type: "text",
      name: "originator",
      size: 40,
      value: offer.originator_label || offer.originator_text,
      title: words.originator_help,
    });
    originator.dataset.id = offer.originator || "";
    originator.dataset.label = offer.originator_label || "";
    var originatorRow = make("p", { id: listId }, [labelled(words.originator, originator)]);
    if (offer.attributed_to) {
      // Unnamed ("a military source"): no source to add, the citation keeps
      // the description.
      originatorRow.appendChild(make("span", { class: "help", text: " " + words.unnamed }));
    } else if (!offer.originator) {
      originatorRow.appendChild(
        make("span", { class: "help" }, [
          " " + words.unresolved + " ",
          make("a", {
            href: config.endpoints.source_add + "?name=" + encodeURIComponent(offer.originator_text || ""),
            target: "_blank",
            text: "+",
          }),
        ])
      );
    }
    form.appendChild(originatorRow);
    if (offer.figures.length) {
      form.appendChild(make("p", { text: words.figures }));
      offer.figures.forEach(function (figure) {
        form.appendChild(figureFields(figure));
      });
    }
    return form;
  }

  function readDraft(form) {
    var offer = form.offer;
    var originator = form.querySelector("[name=originator]");
    // The resolved source's id while its name is left as offered.
    var named =
      originator.dataset.id && originator.value === originator.dataset.label
        ? originator.dataset.id
        : originator.value;
    // The unnamed originator's description while it is left as offered.
    var unnamed = offer.attributed_to && originator.value === offer.attributed_to;
    var claim = form.querySelector("[name=claim]");
    var figures = [];
    form.querySelectorAll("fieldset.figure").forEach(function (box) {
      var figure = readFigure(box);
      if (figure) {
        figures.push(figure);
      }
    });
    return {
      key: offer.key,
      start: offer.start,
      end: offer.end,
      quote: offer.quote,
      originator: unnamed ? "" : named,
      attributed_to: unnamed ? offer.attributed_to : "",
      relays: offer.relays,
      claim: claim ? claim.value : "",
      event: form.querySelector("[name=event]") ? form.querySelector("[name=event]").value : "",
      statement: form.querySelector("[name=statement]").value,
      kind: form.querySelector("[name=kind]").value,
      figures: figures,
      proposer_version: offer.proposer_version,
    };
  }

  // ------------------------------------------------- offsets in the text

  function codePoints(text) {
    return Array.from(text).length;
  }

  function textRoot(node) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest("[data-document-text]") : null;
  }

  // The selection as offsets into the document's text, or null.
  function selectedSpan() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return null;
    }
    var range = selection.getRangeAt(0);
    var root = textRoot(range.startContainer);
    if (!root || root !== textRoot(range.endContainer)) {
      return null;
    }
    var before = document.createRange();
    before.setStart(root, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var start = codePoints(before.toString());
    var end = start + codePoints(range.toString());
    if (end <= start) {
      return null;
    }
    return { start: start, end: end, root: root, rect: range.getBoundingClientRect() };
  }

  function textMatches(root) {
    return codePoints(root.textContent) === config.text_length;
  }

  // ------------------------------------------------------- cite this

  var citeButton = null;
  var citePanel = null;

  function closeCite() {
    if (citeButton) {
      citeButton.remove();
      citeButton = null;
    }
  }

  function closePanel() {
    if (citePanel) {
      citePanel.remove();
      citePanel = null;
    }
  }

  function openCitePanel(span) {
    closePanel();
    citePanel = make("div", { class: "cite-panel", id: "cite-panel", role: "dialog", "aria-label": words.cite_title });
    citePanel.appendChild(make("h2", { text: words.cite_title }));
    citePanel.appendChild(make("p", { text: words.loading }));
    document.body.appendChild(citePanel);
    var url = config.endpoints.cite + "?start=" + span.start + "&end=" + span.end;
    send(url, "GET").then(function (data) {
      if (!citePanel) {
        return;
      }
      citePanel.textContent = "";
      citePanel.appendChild(make("h2", { text: words.cite_title }));
      if (!data.ok) {
        showErrors(citePanel, data.errors);
        citePanel.appendChild(make("button", { type: "button", class: "button", text: words.cancel }));
        citePanel.lastChild.addEventListener("click", closePanel);
        return;
      }
      var offer = data.offer;
      citePanel.appendChild(make("blockquote", { class: "cite-quote", text: offer.quote }));
      var form = draftForm(offer, true, data.claims);
      citePanel.appendChild(form);
      var save = make("button", { type: "button", class: "button default", id: "cite-save", text: words.save });
      var cancel = make("button", { type: "button", class: "button", text: words.cancel });
      citePanel.appendChild(make("p", {}, [save, " ", cancel]));
      cancel.addEventListener("click", closePanel);
      save.addEventListener("click", function () {
        save.disabled = true;
        send(config.endpoints.cite, "POST", readDraft(form)).then(function (result) {
          save.disabled = false;
          if (result.ok) {
            form.remove();
            save.parentNode.remove();
            citePanel.appendChild(claimLink(result.claim));
            citePanel.appendChild(make("button", { type: "button", class: "button", text: words.cancel }));
            citePanel.lastChild.addEventListener("click", closePanel);
          } else {
            showErrors(citePanel, result.errors);
          }
        }, function (error) {
          save.disabled = false;
          showErrors(citePanel, [words.failed + " " + error]);
        });
      });
    });
  }

  document.addEventListener("mouseup", function (event) {
    if (citeButton && event.target === citeButton) {
      return;
    }
    window.setTimeout(function () {
      closeCite();
      var span = selectedSpan();
      if (!span) {
        return;
      }
      if (!textMatches(span.root)) {
        window.alert(words.offsets_mismatch);
        return;
      }
      citeButton = make("button", { type: "button", class: "button default cite-button", id: "cite-this", text: words.cite });
      citeButton.style.left = window.scrollX + span.rect.left + "px";
      citeButton.style.top = window.scrollY + span.rect.bottom + 4 + "px";
      citeButton.addEventListener("click", function () {
        closeCite();
        openCitePanel(span);
      });
      document.body.appendChild(citeButton);
    }, 0);
  });

  // ------------------------------------------------ propose claims

  var list = document.getElementById("proposals");
  if (!list) {
    return;
  }
  var textRootNode = document.querySelector(".proposal-text [data-document-text]");
  var marks = {};

  function markProposals(offers) {
    // Rebuild the text with each proposal's span marked; same characters.
    var characters = Array.from(textRootNode.textContent);
    var at = 0;
    var fragment = document.createDocumentFragment();
    offers.forEach(function (offer) {
      if (offer.start < at) {
        return;
      }
      fragment.appendChild(document.createTextNode(characters.slice(at, offer.start).join("")));
      var mark = make("mark", { class: "proposal-mark", id: "mark-" + offer.key, text: characters.slice(offer.start, offer.end).join("") });
      marks[offer.key] = mark;
      fragment.appendChild(mark);
      at = offer.end;
    });
    fragment.appendChild(document.createTextNode(characters.slice(at).join("")));
    textRootNode.textContent = "";
    textRootNode.appendChild(fragment);
  }

  function proposalCard(offer) {
    var card = make("div", { class: "proposal", id: "proposal-" + offer.key });
    card.dataset.key = offer.key;
    var take = make("input", { type: "checkbox", class: "take", name: "take" });
    take.addEventListener("change", function () {
      card.classList.toggle("taken", take.checked);
    });
    var quote = make("blockquote", { text: offer.quote, title: offer.start + "-" + offer.end });
    quote.addEventListener("click", function () {
      var mark = marks[offer.key];
      if (mark) {
        Object.keys(marks).forEach(function (key) {
          marks[key].classList.remove("active");
        });
        mark.classList.add("active");
        mark.scrollIntoView({ block: "center" });
      }
    });
    var reject = make("button", { type: "button", class: "button reject", text: words.reject });
    card.appendChild(make("p", {}, [labelled(words.take, take), " ", reject]));
    card.appendChild(quote);
    if (offer.duplicates && offer.duplicates.length) {
      // Claims this one may repeat, or join as a conflict: seen before saving.
      card.appendChild(
        make("div", { class: "duplicates" }, [
          make("p", { text: words.may_repeat }),
          make(
            "ul",
            {},
            offer.duplicates.map(function (d) {
              return make("li", {}, [
                make("a", { href: config.endpoints.claims + "?q=" + encodeURIComponent(d.id), target: "_blank", text: d.id }),
                " (" + d.state + "): " + d.reason,
              ]);
            })
          ),
        ])
      );
    }
    var form = draftForm(offer, false, []);
    card.appendChild(form);
    card.form = form;
    reject.addEventListener("click", function () {
      reject.disabled = true;
      send(config.endpoints.reject, "POST", {
        start: offer.start,
        end: offer.end,
        quote: offer.quote,
        proposer_version: offer.proposer_version,
      }).then(function (result) {
        if (result.ok) {
          card.textContent = "";
          card.classList.remove("taken");
          card.appendChild(make("p", { class: "done rejected", text: words.rejected }));
          if (marks[offer.key]) {
            marks[offer.key].classList.add("rejected");
          }
        } else {
          reject.disabled = false;
          showErrors(card, result.errors);
        }
      });
    });
    return card;
  }

  var status = document.querySelector(".accept-status");
  var acceptButton = document.getElementById("accept-ticked");

  acceptButton.addEventListener("click", function () {
    var cards = Array.from(list.querySelectorAll(".proposal")).filter(function (card) {
      var take = card.querySelector("input.take");
      return take && take.checked;
    });
    if (!cards.length) {
      status.textContent = words.none_ticked;
      return;
    }
    status.textContent = words.loading;
    acceptButton.disabled = true;
    var byKey = {};
    var payload = cards.map(function (card) {
      byKey[card.dataset.key] = card;
      return readDraft(card.form);
    });
    send(config.endpoints.accept, "POST", { proposals: payload }).then(function (data) {
      acceptButton.disabled = false;
      status.textContent = "";
      if (!data.results) {
        status.textContent = (data.errors || []).join(" ");
        return;
      }
      data.results.forEach(function (result) {
        var card = byKey[result.key];
        if (!card) {
          return;
        }
        if (result.ok) {
          card.textContent = "";
          card.classList.remove("taken");
          card.appendChild(claimLink(result.claim));
          if (marks[result.key]) {
            marks[result.key].classList.add("done");
          }
        } else {
          showErrors(card, result.errors);
        }
      });
    }, function (error) {
      acceptButton.disabled = false;
      status.textContent = words.failed + " " + error;
    });
  });

  list.textContent = words.loading;
  send(config.endpoints.proposals, "GET").then(function (data) {
    list.textContent = "";
    if (!data.ok) {
      showErrors(list, data.errors);
      return;
    }
    if (!data.proposals.length) {
      list.appendChild(make("p", { text: words.none }));
      return;
    }
    if (textMatches(textRootNode)) {
      markProposals(data.proposals);
    }
    data.proposals.forEach(function (offer) {
      list.appendChild(proposalCard(offer));
    });
  });
})();
