package dev.circlet.config.yaml;

import java.util.Optional;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * A parser that refuses collections nested deeper than a limit. snakeyaml-engine's composer
 * recurses once per level, so without this a line of ten thousand {@code [} overflows the stack
 * of whichever thread loads it; here the document fails at the bracket that went too deep.
 */
final class NestingLimit implements Parser {
  private final Parser parser;
  private final int max;
  private final String file;
  private int depth;

  NestingLimit(Parser parser, int max, String file) {
    this.parser = parser;
    this.max = max;
    this.file = file;
  }

  @Override
  public boolean checkEvent(Event.ID id) {
    return parser.checkEvent(id);
  }

  @Override
  public Event peekEvent() {
    return parser.peekEvent();
  }

  @Override
  public boolean hasNext() {
    return parser.hasNext();
  }

  @Override
  public Event next() {
    Event e = parser.next();
    switch (e.getEventId()) {
      case SequenceStart, MappingStart -> {
        if (++depth > max) {
          Optional<Mark> m = e.getStartMark();
          Pos at = m.map(mark -> new Pos(file, mark.getLine() + 1, mark.getColumn() + 1)).orElse(Pos.of(file));
          throw new ConfigError(at, "YAML nesting is deeper than " + max + " levels");
        }
      }
      case SequenceEnd, MappingEnd -> depth--;
      default -> {}
    }
    return e;
  }
}
