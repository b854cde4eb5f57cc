/* Read aloud: each question's button speaks the question and its answer options with the
   browser's own speech synthesis, in the page's language. The text stays on the device (no
   request is made), nothing starts by itself, and the student's answers are never read back:
   only question texts, hints, statements and option labels.

   Buttons stay hidden, and a note says why, when the device has no voice for the language
   (common for Arabic or Ukrainian on school Chromebooks). */
(function () {
  "use strict";

  var synth = window.speechSynthesis;
  var lang = document.documentElement.lang || "nl";
  var buttons = document.querySelectorAll("[data-read-aloud]");
  if (!buttons.length) {
    return;
  }

  function voiceFor(language) {
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") {
      return null;
    }
    var voices = synth.getVoices() || [];
    var prefix = language.toLowerCase();
    for (var i = 0; i < voices.length; i++) {
      var voiceLang = (voices[i].lang || "").toLowerCase().replace("_", "-");
      if (voiceLang === prefix || voiceLang.indexOf(prefix + "-") === 0) {
        return voices[i];
      }
    }
    return null;
  }

  function texts(nodes) {
    var found = [];
    for (var i = 0; i < nodes.length; i++) {
      var text = (nodes[i].textContent || "").replace(/\s+/g, " ").trim();
      if (text) {
        found.push(text);
      }
    }
    return found;
  }

  /* Question, hint, then statements (grid rows) and answer options: what the student reads. */
  function speechText(question) {
    var parts = texts(question.querySelectorAll(".question-text, .hint:not(.nojs-note)"));
    parts = parts.concat(texts(question.querySelectorAll(".likert tbody th")));
    var options = question.querySelectorAll(".option span, .likert thead th");
    parts = parts.concat(texts(options));
    return parts.join(". ").replace(/([.?!:])\./g, "$1");
  }

  function speak(question) {
    var utterance = new window.SpeechSynthesisUtterance(speechText(question));
    utterance.lang = lang;
    var voice = voiceFor(lang);
    if (voice) {
      utterance.voice = voice;
    }
    synth.cancel();
    synth.speak(utterance);
  }

  function show() {
    var available = voiceFor(lang) !== null;
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = !available;
    }
    var note = document.querySelector("[data-read-aloud-note]");
    var missing = document.querySelector("[data-read-aloud-unavailable]");
    if (note) {
      note.hidden = !available;
    }
    if (missing) {
      missing.hidden = available;
    }
  }

  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function (event) {
      var question = document.getElementById(event.currentTarget.getAttribute("data-read-aloud"));
      if (question) {
        speak(question);
      }
    });
  }
  show();
  /* Voices often load after the page: look again when the browser says they changed. */
  if (synth && synth.addEventListener) {
    synth.addEventListener("voiceschanged", show);
  }
})();
