package dev.circlet.gateway.logs;

/**
 * A step's durable bookkeeping in the hot buffer: raw bytes {@code consumed} into {@code stored}
 * output bytes, of which {@code [0, base)} are in object-storage segments and
 * {@code [base, stored)} in the hot buffer; {@code compacted} once one object holds them all.
 */
public record StepState(long consumed, long stored, long base, boolean capped, boolean ended, boolean compacted) {
  public static final StepState EMPTY = new StepState(0, 0, 0, false, false, false);

  public long hotBytes() {
    return stored - base;
  }
}
