package org.waypost.console;

import java.util.ArrayList;
import java.util.List;
import org.waypost.analytics.Count;
import org.waypost.csv.Csv;

/**
 * A table of figures as the console shows it and exports it: the page and its CSV are both written
 * from these rows, so the CSV holds exactly what is on screen.
 *
 * @param id the table's element id, unique on its page
 * @param columns the column headers, the first being that of the row headers
 */
public record DataTable(String id, String caption, List<String> columns, List<Row> rows) {
  public DataTable {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
  }

  /** One row: its header cell, then one cell for each column after the first. */
  public record Row(String header, List<Cell> cells) {
    public Row {
      cells = List.copyOf(cells);
    }
  }

  /**
   * One cell.
   *
   * @param css the class that greys a hidden or partly hidden count; empty for others
   * @param title what a hidden count means, shown on hover; null for others
   * @param bar for a breakdown, the share of the table's largest value, 0 to 1; null for none
   */
  public record Cell(String text, String css, String title, Double bar) {
    public static Cell text(String text) {
      return new Cell(text, "", null, null);
    }

    public static Cell of(Count count) {
      return of(count, null);
    }

    public static Cell of(Count count, Double bar) {
      if (count.exact()) {
        return new Cell(count.text(), "", null, bar);
      }
      String title =
          count.suppressed()
              ? "Fewer than " + count.threshold() + ": hidden to protect visitors' privacy"
              : "At least "
                  + count.atLeast()
                  + ": includes "
                  + count.hidden()
                  + (count.hidden() == 1 ? " count" : " counts")
                  + " below "
                  + count.threshold()
                  + ", hidden to protect visitors' privacy";
      return new Cell(count.text(), count.suppressed() ? "suppressed" : "partial", title, bar);
    }

    /** The width of this cell's bar in a 100-unit box, as SVG wants it. */
    public String barWidth() {
      return bar == null ? "0" : String.format(java.util.Locale.ROOT, "%.1f", 100 * bar);
    }
  }

  /** The CSV header of {@link #csv}. */
  static final List<String> CSV_COLUMNS = List.of("table", "row", "column", "value");

  /**
   * Tables as CSV, one line per cell: the table's caption, the row's header, the column's header
   * and the cell's text, as shown.
   */
  static byte[] csv(List<DataTable> tables) {
    Csv csv = new Csv().row(CSV_COLUMNS);
    for (DataTable table : tables) {
      for (Row row : table.rows()) {
        for (int i = 0; i < row.cells().size(); i++) {
          List<String> line = new ArrayList<>(4);
          line.add(table.caption());
          line.add(row.header());
          line.add(table.columns().get(i + 1));
          line.add(row.cells().get(i).text());
          csv.row(line);
        }
      }
    }
    return csv.bytes();
  }
}
