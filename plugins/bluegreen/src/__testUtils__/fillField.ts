import { fireEvent } from '@testing-library/react';

/**
 * Sets a text field's value in one change event. The tests check what the form does with a
 * value, not keystrokes; typing costs an event per character, too slow for a busy machine.
 */
export function fillField(field: HTMLElement, text: string): void {
  fireEvent.change(field, { target: { value: text } });
}
