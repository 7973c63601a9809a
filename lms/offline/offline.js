/* Self-checks of an offline course package: mark the answers in the browser.
 *
 * Self-checks are ungraded practice, so this package carries their answers on purpose
 * (in each question's data-key attribute): nothing is recorded and no score counts.
 * Graded quizzes never leave the server; they are online only.
 *
 * The marking follows lms/quiz/grading.py, one function per question type. No network,
 * no inline script, no markup built here: feedback is already in the page, hidden until
 * marked.
 */
"use strict";

(function () {
  var EPSILON = 1e-9;
  var NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

  function clamp(score) {
    return Math.min(1, Math.max(0, score));
  }

  function normalise(text, caseSensitive) {
    var result = text.normalize("NFKC").replace(/\s+/g, " ").trim();
    return caseSensitive ? result : result.toLowerCase();
  }

  function parseNumber(text) {
    var value = text.trim().replace(/\u2212/g, "-");
    return NUMBER.test(value) ? parseFloat(value) : null;
  }

  function fields(fieldset, name) {
    return Array.prototype.filter.call(fieldset.querySelectorAll("[name]"), function (el) {
      return el.name === name;
    });
  }

  function checkedValues(fieldset, name) {
    return fields(fieldset, name).filter(function (el) {
      return el.checked;
    }).map(function (el) {
      return el.value;
    });
  }

  function firstValue(fieldset, name) {
    var found = fields(fieldset, name)[0];
    return found ? found.value.trim() : "";
  }

  function best(matches) {
    return matches.reduce(function (top, m) {
      return top === null || m.weight > top.weight ? m : top;
    }, null);
  }

  function gradeChoice(key, fieldset, field) {
    var chosen = checkedValues(fieldset, field)[0];
    if (chosen === undefined) return { score: 0, feedback: [] };
    return { score: clamp(key.options[chosen] || 0), feedback: [chosen] };
  }

  function gradeMultiple(key, fieldset, field) {
    var chosen = checkedValues(fieldset, field);
    var correct = Object.keys(key.options).filter(function (id) {
      return key.options[id] > 0;
    });
    var right = chosen.filter(function (id) { return key.options[id] > 0; }).length;
    var wrong = chosen.length - right;
    var score;
    if (key.scoring === "partial") {
      score = correct.length ? (right - wrong) / correct.length : 0;
    } else {
      score = wrong === 0 && right === correct.length && chosen.length ? 1 : 0;
    }
    return { score: clamp(score), feedback: chosen };
  }

  function gradeText(key, fieldset, field) {
    var given = firstValue(fieldset, field);
    if (!given) return { score: 0, feedback: [] };
    given = normalise(given, key.case_sensitive);
    var matches = [];
    key.answers.forEach(function (answer, index) {
      if (normalise(answer[0], key.case_sensitive) === given) {
        matches.push({ weight: answer[1], index: index });
      }
    });
    var top = best(matches);
    return top ? { score: clamp(top.weight), feedback: ["a" + top.index] } : { score: 0, feedback: [] };
  }

  function gradeNumber(key, fieldset, field) {
    var number = parseNumber(firstValue(fieldset, field));
    if (number === null) return { score: 0, feedback: [] };
    var matches = [];
    key.numbers.forEach(function (spec, index) {
      var slack = 1e-9 * Math.max(1, Math.abs(spec[0]), Math.abs(spec[1]));
      if (spec[0] - slack <= number && number <= spec[1] + slack) {
        matches.push({ weight: spec[2], index: index });
      }
    });
    var top = best(matches);
    return top ? { score: clamp(top.weight), feedback: ["a" + top.index] } : { score: 0, feedback: [] };
  }

  function gradeMatching(key, fieldset, field) {
    var right = key.pairs.filter(function (choice, n) {
      return firstValue(fieldset, field + "-" + (n + 1)) === choice;
    }).length;
    return { score: key.pairs.length ? right / key.pairs.length : 0, feedback: [] };
  }

  function gradeOrdering(key, fieldset, field) {
    var right = key.positions.filter(function (place, n) {
      return firstValue(fieldset, field + "-" + (n + 1)) === String(place);
    }).length;
    var count = key.positions.length;
    if (!count) return { score: 0, feedback: [] };
    var score = key.scoring === "partial" ? right / count : (right === count ? 1 : 0);
    return { score: score, feedback: [] };
  }

  var GRADERS = {
    single: gradeChoice,
    truefalse: gradeChoice,
    multiple: gradeMultiple,
    shorttext: gradeText,
    numeric: gradeNumber,
    matching: gradeMatching,
    ordering: gradeOrdering
  };

  function clear(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-review]"), function (el) {
      el.hidden = true;
    });
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.question"), function (fs) {
      fs.classList.remove("review-right", "review-partial", "review-wrong");
    });
    form.querySelector(".check-summary").textContent = "";
  }

  function verdict(score) {
    if (score >= 1 - EPSILON) return ["review-right", "Correct."];
    if (score > 0) return ["review-partial", "Partly correct (" + Math.round(score * 100) + "%)."];
    return ["review-wrong", "Not correct."];
  }

  function mark(fieldset) {
    var key = JSON.parse(fieldset.getAttribute("data-key"));
    var result = GRADERS[key.type](key, fieldset, key.field);
    var shown = verdict(result.score);
    fieldset.classList.add(shown[0]);
    var line = fieldset.querySelector(".verdict");
    line.textContent = shown[1];
    line.hidden = false;
    Array.prototype.forEach.call(fieldset.querySelectorAll("[data-review]"), function (el) {
      var feedback = el.getAttribute("data-feedback");
      if (feedback === null) {
        el.hidden = false;
      } else {
        el.hidden = result.feedback.indexOf(feedback) === -1;
      }
    });
    return result.score >= 1 - EPSILON;
  }

  function check(form) {
    clear(form);
    var questions = form.querySelectorAll("fieldset.question");
    var right = Array.prototype.filter.call(questions, mark).length;
    var summary = form.querySelector(".check-summary");
    summary.textContent = "You answered " + right + " of " + questions.length +
      " correctly. This practice is not graded.";
    summary.focus();
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.offline-check"), function (form) {
    form.querySelector(".needs-js").hidden = true;
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (button) {
      button.hidden = false;
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      check(form);
    });
    form.addEventListener("reset", function () {
      clear(form);
    });
  });
})();
