package dev.circlet.runner.steps;

import java.io.IOException;
import java.nio.file.Path;

/** Puts the project's code at a directory: a git clone in a pod, a copy of the working tree locally. */
public interface CheckoutSource {
  /**
   * @param dest directory to fill
   * @param method shallow (default), full or blobless
   * @return a line for the log describing what was checked out
   */
  String checkout(Path dest, String method) throws IOException;
}
