(width) => {
  // The innermost elements that reach past the right edge: the ones to fix.
  const wide = [...document.body.querySelectorAll('*')].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.right > width + 0.5 && box.width > 0 &&
      ![...el.children].some((child) => child.getBoundingClientRect().right > width + 0.5);
  });
  return wide.slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)}px)`);
}
