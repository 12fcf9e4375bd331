package dev.circlet.runner.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepSpoolTest {

  @TempDir
  Path tmp;

  /** Appends of these sizes, in order: lines, a buffer's worth, just over, a large write, lines again. */
  static final List<Integer> SIZES = List.of(1, 100, 7, StepSpool.BUFFER_BYTES - 108, 1, 100,
      StepSpool.BUFFER_BYTES, StepSpool.BUFFER_BYTES + 5, 3, 200_000, 99, 64, 1);

  @Test
  void readsAnyRangeWhetherItIsInTheFileInMemoryOrAcrossBoth() throws Exception {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    try (StepSpool spool = new StepSpool(0, tmp.resolve("step-0.out"))) {
      int seed = 0;
      for (int size : SIZES) {
        byte[] b = new byte[size + 6];
        for (int i = 0; i < b.length; i++) {
          b[i] = (byte) (seed++ * 31 + 7);
        }
        // an offset into the caller's array, as a line writer passes it
        spool.append(b, 3, size);
        expected.write(b, 3, size);
        byte[] all = expected.toByteArray();
        assertThat(spool.written()).isEqualTo(all.length);
        // every read the sender makes: from each boundary, several chunk sizes
        for (long from : new long[] {0, all.length / 3, all.length - size, all.length - 1, all.length}) {
          for (int max : new int[] {1, 64 * 1024, Integer.MAX_VALUE}) {
            int n = (int) Math.min(max, all.length - from);
            assertThat(spool.read(from, max)).as("read(%d, %d) of %d", from, max, all.length)
                .isEqualTo(Arrays.copyOfRange(all, (int) from, (int) from + Math.max(n, 0)));
          }
        }
      }
    }
    // what reached the file is a prefix of the output; the rest was in the buffer
    byte[] onDisk = Files.readAllBytes(tmp.resolve("step-0.out"));
    assertThat(onDisk).isEqualTo(Arrays.copyOf(expected.toByteArray(), onDisk.length));
  }

  @Test
  void anEndedStepTakesNoMoreOutput() {
    try (StepSpool spool = new StepSpool(2, tmp.resolve("step-2.out"))) {
      spool.append(new byte[] {'a'}, 0, 1);
      spool.end();
      assertThat(spool.ended()).isTrue();
      assertThatThrownBy(() -> spool.append(new byte[] {'b'}, 0, 1)).hasMessageContaining("step 2 output has ended");
      assertThat(spool.read(0, 10)).containsExactly('a');
    }
  }
}
