// The claim page's review panel: a review step posted from its own form
// does not carry the edits typed into the claim's form, so ask before
// leaving them behind. ("Submit for review" is part of the claim's form and
// saves them first.) A file, not an inline script: the CSP allows no inline
// scripts.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var claimForm = document.getElementById("claim_form");
  if (!claimForm) {
    return;
  }
  // The registry's JavaScript catalog (registry/jsi18n/) when present.
  var gettext = window.gettext || function (text) { return text; };
  var dirty = false;
  function markDirty(event) {
    if (!event.target.form || event.target.form === claimForm) {
      dirty = true;
    }
  }
  claimForm.addEventListener("input", markDirty);
  claimForm.addEventListener("change", markDirty);
  document.querySelectorAll("form.transition-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (
        dirty &&
        !window.confirm(
          gettext(
            "You have unsaved edits on this claim, and this step does not save them. Leave them unsaved and go on?"
          )
        )
      ) {
        event.preventDefault();
      }
    });
  });
});
