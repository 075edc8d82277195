package org.waypost.shipper;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.waypost.error.ProblemException;
import org.waypost.tracking.EventIngestion;

/**
 * Scan batches as shippers send them (a JSON array, NDJSON, the CSV of {@code waypost import}),
 * fuzzed with Jazzer: whatever the bytes, each reader returns items or refuses the whole body with
 * a problem, never another exception; every item is either a whole scan or a rejection that says
 * why. Committed inputs: {@code EventFuzzTestInputs/}.
 */
class EventFuzzTest {
  private static final EventReader READER = new EventReader(1_000);

  @FuzzTest(maxDuration = "60s")
  void aJsonArrayIsReadOrRefusedWithAProblem(byte[] body) {
    try {
      assertWhole(READER.readJsonArray(new ByteArrayInputStream(body)));
    } catch (ProblemException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  @FuzzTest(maxDuration = "60s")
  void ndjsonIsReadOrRefusedWithAProblem(byte[] body) {
    try {
      assertWhole(READER.readNdjson(new ByteArrayInputStream(body)));
    } catch (ProblemException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  @FuzzTest(maxDuration = "60s")
  void csvIsReadOrRefusedWithAProblem(byte[] body) throws IOException {
    List<EventIngestion.Item> items = new ArrayList<>();
    try {
      EventReader.forEachCsv(new ByteArrayInputStream(body), (item, line) -> items.add(item));
    } catch (ProblemException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertWhole(items);
  }

  private static void assertWhole(List<EventIngestion.Item> items) {
    for (EventIngestion.Item item : items) {
      switch (item) {
        case EventIngestion.Valid valid -> {
          assertThat(valid.event().eventId()).isNotBlank();
          assertThat(valid.event().trackingNumber()).isNotNull();
          assertThat(valid.event().type()).isNotNull();
          assertThat(valid.event().time()).isNotNull();
        }
        case EventIngestion.Invalid invalid -> assertThat(invalid.detail()).isNotBlank();
      }
    }
  }
}
