/**
 * Moves the focus, and with it the view, to the first input of `form` that a failed validation marked invalid, once
 * the errors are on screen: a long form's message may otherwise sit out of sight above its submit button. Pass it
 * the submit event's `currentTarget` from `useForm`'s `onSubmit` failure handler.
 */
export function focusFirstInvalid(form: EventTarget | null | undefined): void {
  if (!(form instanceof HTMLFormElement)) return;
  requestAnimationFrame(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}
