/* Behaviour the pages ask for with data attributes, since the Content-Security-Policy lets no
   script run from an attribute or an inline block:
   - data-print on a button prints the page;
   - data-reset-after-request on a form sent by htmx empties it afterwards and puts the cursor
     back in its barcode field, ready for the next scan;
   - data-focus-after-request="ID" on a form sent by htmx puts the cursor in that field;
   and, on the staff screens, each table cell is labelled with the name of its column, which
   a phone shows before the cell when the table reflows into one card a row (staff.css). */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    if (event.target instanceof Element && event.target.closest("[data-print]")) {
      window.print();
    }
  });

  function labelStaffCells(root) {
    root.querySelectorAll(".staff table").forEach(function (table) {
      var headers = table.querySelectorAll("thead th");
      if (!headers.length) {
        return;
      }
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          var header = headers[column];
          if (header && !cell.hasAttribute("data-label") && header.textContent.trim()) {
            cell.setAttribute("data-label", header.textContent.trim());
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelStaffCells(document);
  });
  document.addEventListener("htmx:afterSettle", function () {
    labelStaffCells(document);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    if (form.hasAttribute("data-reset-after-request")) {
      form.reset();
      var barcode = form.querySelector("[name=barcode]");
      if (barcode) {
        barcode.focus();
      }
    }
    var focus = form.getAttribute("data-focus-after-request");
    if (focus) {
      var field = document.getElementById(focus);
      if (field) {
        field.focus();
      }
    }
  });
})();
