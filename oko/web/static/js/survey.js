/* oko survey: live skip logic and a local copy of the answers. Our own code, no framework.
 *
 * Progressive enhancement only: every page works without this script.
 * - Show/hide: the server puts each conditional question's show_if tree in data-show-if, the
 *   very tree it evaluates itself (oko/questionnaire/conditions.py); evaluate() below follows
 *   the same rules: a comparison with a missing value is false, "not" negates, "answered"
 *   tests for a value.
 * - Local copy: what the student types on the current page is kept in localStorage, so a
 *   reload or a dropped connection loses nothing; with every POST the script also sends the
 *   answers it knows, which the server uses only if its own draft has expired.
 * - Submission id: generated here once per questionnaire, so a repeated "Send" is stored once.
 * Local copies are deleted on the thank-you page and after they expire (shared computers).
 */
(function () {
  "use strict";

  var PREFIX = "oko:";
  var FIELD = "q_";
  var store = openStorage();

  function openStorage() {
    try {
      var storage = window.localStorage;
      storage.setItem(PREFIX + "probe", "1");
      storage.removeItem(PREFIX + "probe");
      return storage;
    } catch (error) {
      return null;  // private mode or storage switched off: the server copy still works
    }
  }

  function read(code) {
    if (!store) return null;
    try {
      var record = JSON.parse(store.getItem(PREFIX + code));
      return record && record.keepUntil > Date.now() ? record : null;
    } catch (error) {
      return null;
    }
  }

  function write(code, record) {
    if (!store) return;
    try {
      store.setItem(PREFIX + code, JSON.stringify(record));
    } catch (error) { /* storage full: nothing to do, the server has the answers */ }
  }

  function purge(everything) {
    if (!store) return;
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        var record = null;
        try { record = JSON.parse(store.getItem(key)); } catch (error) { record = null; }
        if (everything || !record || !(record.keepUntil > Date.now())) store.removeItem(key);
      }
    }
  }

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
  }

  // Conditions: the same semantics as oko.questionnaire.conditions.evaluate.

  function isCode(value) {
    return typeof value === "number" && isFinite(value) && Math.floor(value) === value;
  }

  function operand(value, answers) {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      var answer = answers[value["var"]];
      return answer === undefined ? null : answer;
    }
    return value;
  }

  var COMPARE = {
    "==": function (a, b) { return a === b; },
    "!=": function (a, b) { return a !== b; },
    "<": function (a, b) { return a < b; },
    "<=": function (a, b) { return a <= b; },
    ">": function (a, b) { return a > b; },
    ">=": function (a, b) { return a >= b; }
  };

  function evaluate(condition, answers) {
    var op = Object.keys(condition)[0];
    var args = condition[op];
    if (COMPARE[op]) {
      var a = operand(args[0], answers);
      var b = operand(args[1], answers);
      return isCode(a) && isCode(b) && COMPARE[op](a, b);
    }
    switch (op) {
      case "in":
        var needle = operand(args[0], answers);
        var haystack = Array.isArray(args[1]) ? args[1] : operand(args[1], answers);
        return isCode(needle) && Array.isArray(haystack) && haystack.indexOf(needle) !== -1;
      case "and":
        return args.every(function (c) { return evaluate(c, answers); });
      case "or":
        return args.some(function (c) { return evaluate(c, answers); });
      case "not":
        return !evaluate(args, answers);
      case "answered":
        return answers[args] !== undefined && answers[args] !== null;
    }
    return false;
  }

  // Reading and writing the page's fields.

  function fieldNames(container) {
    var names = [];
    var inputs = container.querySelectorAll("input, textarea");
    for (var i = 0; i < inputs.length; i++) {
      var name = inputs[i].name;
      if (name.indexOf(FIELD) === 0 && names.indexOf(name) === -1) names.push(name);
    }
    return names;
  }

  /* The stored value of a field: int for a choice or a number, sorted ints for checkboxes,
     text as typed (pageValues leaves out a number box that holds no whole number). */
  function fieldValue(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    if (!inputs.length) return null;
    var type = inputs[0].type;
    if (type === "radio" || type === "checkbox") {
      var codes = [];
      for (var i = 0; i < inputs.length; i++) {
        if (inputs[i].checked) codes.push(parseInt(inputs[i].value, 10));
      }
      if (type === "radio") return codes.length ? codes[0] : null;
      return codes.length ? codes.sort(function (x, y) { return x - y; }) : null;
    }
    var text = inputs[0].value.trim();
    if (!text) return null;
    if (type === "number" && /^[+-]?\d+$/.test(text)) return parseInt(text, 10);
    return text;
  }

  function setFieldValue(form, name, value) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "radio") input.checked = value !== null && String(value) === input.value;
      else if (input.type === "checkbox") {
        input.checked = Array.isArray(value) && value.indexOf(parseInt(input.value, 10)) !== -1;
      } else input.value = value === null ? "" : String(value);
    }
  }

  function pageValues(form) {
    var values = {};
    var names = fieldNames(form);
    for (var i = 0; i < names.length; i++) {
      var input = form.querySelector('[name="' + names[i] + '"]');
      if (input.disabled) continue;
      var value = fieldValue(form, names[i]);
      if (input.type === "number" && value !== null && !isCode(value)) continue;
      values[names[i].slice(FIELD.length)] = value;
    }
    return values;
  }

  function merged(base, changes) {
    var result = {};
    var key;
    for (key in base) if (Object.prototype.hasOwnProperty.call(base, key)) result[key] = base[key];
    for (key in changes) if (Object.prototype.hasOwnProperty.call(changes, key)) result[key] = changes[key];
    return result;
  }

  // Live show/hide, in page order, so a chain of follow-ups resolves in one pass (as on the server).

  function updateVisibility(form, context) {
    var effective = merged(context, {});
    var questions = form.querySelectorAll(".question");
    for (var i = 0; i < questions.length; i++) {
      var question = questions[i];
      var tree = question.getAttribute("data-show-if");
      var shown = !tree || evaluate(JSON.parse(tree), effective);
      question.classList.toggle("cond-off", !shown);
      var inputs = question.querySelectorAll("input, textarea");
      for (var j = 0; j < inputs.length; j++) inputs[j].disabled = !shown;
      if (!shown) continue;
      var names = fieldNames(question);
      for (var k = 0; k < names.length; k++) {
        effective[names[k].slice(FIELD.length)] = fieldValue(form, names[k]);
      }
    }
  }

  function watchConnection(form) {
    var note = document.querySelector(".offline-note");
    form.addEventListener("submit", function (event) {
      if (navigator.onLine === false) {
        event.preventDefault();
        if (note) note.hidden = false;
      }
    });
    window.addEventListener("online", function () { if (note) note.hidden = true; });
  }

  function surveyPage(form) {
    var data = JSON.parse(form.getAttribute("data-survey"));
    var record = read(data.code);
    if (!record || record.draft !== data.key) {
      record = { draft: data.key, submission: newId(), edits: {}, editsPage: null, furthest: 0 };
    }
    record.answers = data.answers || {};
    record.started = data.started;
    record.keepUntil = data.keepUntil;
    record.furthest = Math.max(record.furthest || 0, data.index || 0);
    if (record.editsPage === data.page) {
      for (var item in record.edits) {
        if (Object.prototype.hasOwnProperty.call(record.edits, item)) {
          setFieldValue(form, FIELD + item, record.edits[item]);
        }
      }
    } else {
      record.edits = {};
      record.editsPage = data.page;
    }
    if (data.key) write(data.code, record);

    var context = data.context || {};
    updateVisibility(form, context);
    var changed = function () {
      updateVisibility(form, context);
      record.edits = pageValues(form);
      if (data.key) write(data.code, record);
    };
    form.addEventListener("change", changed);
    form.addEventListener("input", changed);

    var submission = form.querySelector('input[name="submission_id"]');
    if (submission && data.key && store) submission.value = record.submission;

    form.addEventListener("submit", function () {
      var restore = form.querySelector('input[name="restore"]');
      restore.value = JSON.stringify({
        answers: merged(record.answers, pageValues(form)),
        started: record.started,
        furthest: record.furthest,
        submission: record.submission
      });
    });
    watchConnection(form);
  }

  function recoverPage(form) {
    var data = JSON.parse(form.getAttribute("data-survey"));
    var record = read(data.code);
    if (!record) return;
    var answers = merged(record.answers || {}, record.edits || {});
    if (!Object.keys(answers).length) return;
    form.querySelector('input[name="restore"]').value = JSON.stringify({
      answers: answers,
      started: record.started,
      furthest: record.furthest || 0,
      submission: record.submission
    });
    form.querySelector(".local-copy-found").hidden = false;
  }

  function start() {
    if (document.querySelector("[data-clear-local]")) purge(true);
    else purge(false);
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
    var form = document.getElementById("survey-form");
    if (form) surveyPage(form);
    var recover = document.getElementById("recover-form");
    if (recover) recoverPage(recover);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}());
