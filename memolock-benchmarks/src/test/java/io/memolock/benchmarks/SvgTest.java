package io.memolock.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** The SVG writer's output is well-formed XML with every series, tick and escaped label in it. */
class SvgTest {
  /** Parses with the JDK's XML parser (no DTDs, no external entities): throws if not well-formed. */
  static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    Document doc = f.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
    assertEquals("svg", doc.getDocumentElement().getLocalName());
    assertEquals("http://www.w3.org/2000/svg", doc.getDocumentElement().getNamespaceURI());
    return doc;
  }

  /** @return the data-name of every series group, in order */
  static List<String> seriesNames(Document doc) {
    List<String> names = new ArrayList<>();
    NodeList groups = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
    for (int i = 0; i < groups.getLength(); i++) {
      Element g = (Element) groups.item(i);
      if (g.getAttribute("class").equals("series")) {
        names.add(g.getAttribute("data-name"));
      }
    }
    return names;
  }

  static List<String> texts(Document doc) {
    List<String> texts = new ArrayList<>();
    NodeList nodes = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
    for (int i = 0; i < nodes.getLength(); i++) {
      texts.add(nodes.item(i).getTextContent());
    }
    return texts;
  }

  @Test
  void aLogLogLineChartHasBothSeriesDecadeTicksAndEscapedNames() throws Exception {
    String svg =
        Svg.document(
            "scale <test> & \"quotes\"",
            List.of(
                Svg.lineChart(
                    "commands per request",
                    new Svg.Axis("waiters", true),
                    new Svg.Axis("commands / request", true),
                    List.of(
                        new Svg.Series("a < b & c", new double[] {1_000, 10_000, 100_000},
                            new double[] {0.05, 0.005, 0.0005}),
                        new Svg.Series("flat", new double[] {1_000, 10_000, 100_000},
                            new double[] {1, 1, Double.NaN})))));
    Document doc = parse(svg);
    assertEquals(List.of("a < b & c", "flat"), seriesNames(doc));
    List<String> texts = texts(doc);
    assertTrue(texts.contains("scale <test> & \"quotes\""), texts.toString());
    assertTrue(texts.containsAll(List.of("1k", "2k", "10k", "100k", "0.001", "1")), texts.toString());
    assertTrue(texts.contains("waiters (log scale)"), texts.toString());
    assertEquals(5, doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "circle").getLength(),
        "one marker per finite point");
  }

  @Test
  void aBarChartHasOneBarPerSeriesAndGroupAndSkipsMissingValues() throws Exception {
    String svg =
        Svg.document(
            "latency",
            List.of(
                Svg.barChart("latency", List.of("p50", "p99"), new Svg.Axis("ms", true),
                    List.of("MemoLock", "cache-aside"),
                    new double[][] {{0.1, 1.5}, {2.0, Double.NaN}})));
    Document doc = parse(svg);
    assertEquals(List.of("MemoLock", "cache-aside"), seriesNames(doc));
    // a background rect, 3 bars, 2 legend swatches
    assertEquals(6, doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect").getLength());
    assertTrue(texts(doc).containsAll(List.of("p50", "p99", "ms (log scale)")));
  }

  @Test
  void labelsAreShortAndControlCharactersAreDropped() {
    assertEquals("100k", Svg.label(100_000));
    assertEquals("2.5", Svg.label(2.5));
    assertEquals("0.05", Svg.label(0.05));
    assertEquals("a&amp;b&lt;c", Svg.escape("a&b\u0001<c"));
  }
}
