package io.tokengate.support;

import java.util.ArrayList;
import java.util.List;

/** One Prometheus text-format scrape, read the way a test needs: the sum of the samples that match. */
public final class Scrape {

  private final String text;

  public Scrape(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  /**
   * The sum of the samples of {@code name} whose labels include every {@code labels} pair
   * ({@code "outcome", "success", ...}); fails the test when no sample matches.
   */
  public double value(String name, String... labels) {
    List<Double> values = samples(name, labels);
    if (values.isEmpty()) {
      throw new AssertionError("no sample " + name + " with " + String.join(",", labels) + " in the scrape");
    }
    return values.stream().mapToDouble(Double::doubleValue).sum();
  }

  public boolean has(String name, String... labels) {
    return !samples(name, labels).isEmpty();
  }

  private List<Double> samples(String name, String... labels) {
    List<Double> values = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String metric = brace >= 0 ? line.substring(0, brace) : line.substring(0, line.indexOf(' '));
      if (!metric.equals(name)) {
        continue;
      }
      String labelText = brace >= 0 ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
      boolean all = true;
      for (int i = 0; i + 1 < labels.length; i += 2) {
        String pair = labels[i] + "=\"" + labels[i + 1] + "\"";
        if (!labelText.contains("{" + pair) && !labelText.contains("," + pair)) {
          all = false;
        }
      }
      if (all) {
        values.add(Double.parseDouble(line.substring(space + 1)));
      }
    }
    return values;
  }
}
