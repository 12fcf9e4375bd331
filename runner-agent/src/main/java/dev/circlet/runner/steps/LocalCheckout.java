package dev.circlet.runner.steps;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/** Local runs: checkout copies the project's working tree (uncommitted changes included), without {@code .circlet/}. */
public final class LocalCheckout implements CheckoutSource {
  private final Path project;

  public LocalCheckout(Path project) {
    this.project = project.toAbsolutePath().normalize();
  }

  @Override
  public String checkout(Path dest, String method) throws IOException {
    Files.createDirectories(dest);
    int[] count = {0};
    Files.walkFileTree(project, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
        Path rel = project.relativize(dir);
        if (rel.toString().equals(".circlet") || dir.equals(dest)) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        Files.createDirectories(dest.resolve(rel.toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
        Files.copy(file, dest.resolve(project.relativize(file).toString()),
            StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        count[0]++;
        return FileVisitResult.CONTINUE;
      }
    });
    return "copied " + count[0] + " files of the working tree " + project + " to " + dest;
  }
}
