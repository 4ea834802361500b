// Plan import preview: a click on an item's button scrolls its source text into view and highlights it.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-span]");
  if (!button) return;
  const [start, end] = button.dataset.span.split(",").map(Number);
  const lines = document.querySelectorAll("#plan-text p");
  let first = null;
  lines.forEach((line) => {
    const hit = Number(line.dataset.start) < end && Number(line.dataset.end) >= start;
    line.classList.toggle("hit", hit);
    if (hit && !first) first = line;
  });
  if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
});
