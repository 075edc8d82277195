package org.waypost.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds a {@link WaypostConfig} from, in increasing precedence: the built-in defaults, a YAML
 * file, {@code WAYPOST_<SECTION>_<KEY>} environment variables, and command-line overrides.
 *
 * <p>Every layer is merged as a JSON tree onto the defaults, so an unknown key is caught where it
 * is written, and the typed records then validate values in their constructors. Either way the
 * message names the key.
 *
 * <p>Kubernetes gives every pod variables for each service of its namespace: {@code
 * <NAME>_SERVICE_HOST}, {@code <NAME>_SERVICE_PORT[_<PORT NAME>]}, {@code <NAME>_PORT=tcp://...}
 * and {@code <NAME>_PORT_<N>_<PROTO>[_ADDR|_PORT|_PROTO]}. A service called waypost (or waypost-db)
 * thus sets {@code WAYPOST_} variables that are no configuration; those shapes are ignored (see
 * {@link #kubernetesVariables}) unless they name a real key, while any other unknown {@code
 * WAYPOST_} variable still stops the start.
 */
public final class ConfigLoader {
  private static final String ENV_PREFIX = "WAYPOST_";

  /** {@code WAYPOST_SERVICE_*}, {@code WAYPOST_PORT*} and the other services' shapes. */
  private static final Pattern KUBERNETES_NAME =
      Pattern.compile(
          "WAYPOST_(SERVICE_.+|PORT.*|.+_SERVICE_HOST|.+_SERVICE_PORT(_.+)?"
              + "|.+_PORT_[0-9]+_(TCP|UDP|SCTP)(_ADDR|_PORT|_PROTO)?)");

  /** {@code <NAME>_PORT} of another service, told from a typo by its value. */
  private static final Pattern KUBERNETES_PORT = Pattern.compile("WAYPOST_.+_PORT");

  private static final Pattern KUBERNETES_PORT_VALUE = Pattern.compile("(tcp|udp|sctp)://.+");

  private static final ObjectMapper MAPPER =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

  private ConfigLoader() {}

  /**
   * @param file a YAML file, or null for none
   * @param env the process environment (only {@code WAYPOST_*} entries are read)
   * @param overrides dotted keys such as {@code server.port}, applied last
   */
  public static WaypostConfig load(
      Path file, Map<String, String> env, Map<String, String> overrides) {
    ObjectNode root = MAPPER.valueToTree(WaypostConfig.defaults());
    if (file != null) {
      mergeFile(root, file);
    }
    for (var entry : new TreeMap<>(env).entrySet()) {
      if (entry.getKey().startsWith(ENV_PREFIX) && !isKubernetes(root, entry)) {
        applyEnv(root, entry.getKey(), entry.getValue());
      }
    }
    overrides.forEach((key, value) -> applyDotted(root, key, value));
    return convert(root);
  }

  /**
   * The {@code WAYPOST_} variables of {@code env} that {@link #load} ignores because Kubernetes set
   * them for a service, sorted; the caller says so once it has set up logging.
   */
  public static List<String> kubernetesVariables(Map<String, String> env) {
    ObjectNode root = MAPPER.valueToTree(WaypostConfig.defaults());
    return new TreeMap<>(env)
        .entrySet().stream()
            .filter(entry -> entry.getKey().startsWith(ENV_PREFIX) && isKubernetes(root, entry))
            .map(Map.Entry::getKey)
            .toList();
  }

  private static boolean isKubernetes(ObjectNode root, Map.Entry<String, String> variable) {
    String name = variable.getKey();
    if (configKey(root, name) != null) {
      return false;
    }
    return KUBERNETES_NAME.matcher(name).matches()
        || (KUBERNETES_PORT.matcher(name).matches()
            && KUBERNETES_PORT_VALUE.matcher(variable.getValue()).matches());
  }

  private static void mergeFile(ObjectNode root, Path file) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(Files.readAllBytes(file));
    } catch (JacksonException e) {
      throw new ConfigException(
          "configuration file " + file + " is not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return;
    }
    if (!tree.isObject()) {
      throw new ConfigException("configuration file " + file + " must hold a YAML mapping");
    }
    for (Map.Entry<String, JsonNode> section : tree.properties()) {
      JsonNode defaults = root.get(section.getKey());
      if (defaults == null) {
        throw new ConfigException("unknown configuration key '" + section.getKey() + "'");
      }
      if (!section.getValue().isObject()) {
        throw new ConfigException("'" + section.getKey() + "' must be a mapping of keys");
      }
      mergeKeys((ObjectNode) defaults, section.getValue(), section.getKey());
    }
  }

  /**
   * Sets each key of {@code given} on {@code defaults}; a nested section (such as {@code
   * notifications.smtp}) is merged key by key, so that it may be given in part.
   */
  private static void mergeKeys(ObjectNode defaults, JsonNode given, String prefix) {
    for (Map.Entry<String, JsonNode> key : given.properties()) {
      String name = prefix + "." + key.getKey();
      JsonNode current = defaults.get(key.getKey());
      if (current == null) {
        throw new ConfigException("unknown configuration key '" + name + "'");
      }
      if (isNested(name)) {
        if (!key.getValue().isObject()) {
          throw new ConfigException("'" + name + "' must be a mapping of keys");
        }
        mergeKeys((ObjectNode) current, key.getValue(), name);
      } else {
        defaults.set(key.getKey(), key.getValue());
      }
    }
  }

  /** Whether the dotted key {@code section.key} is a section of its own (a record), not a value. */
  private static boolean isNested(String dotted) {
    Class<?> type = WaypostConfig.class;
    for (String part : dotted.split("\\.")) {
      Class<?> found = null;
      for (var component :
          type.getRecordComponents() == null
              ? new java.lang.reflect.RecordComponent[0]
              : type.getRecordComponents()) {
        if (component.getName().equals(part)) {
          found = component.getType();
        }
      }
      if (found == null) {
        return false;
      }
      type = found;
    }
    return type.isRecord();
  }

  private static void applyEnv(ObjectNode root, String variable, String value) {
    Key key = configKey(root, variable);
    if (key == null) {
      throw new ConfigException(
          "unknown configuration variable " + variable + " (expected WAYPOST_<SECTION>_<KEY>)");
    }
    set(key.target(), key.field(), key.name(), value, variable);
  }

  /** A value's place: the section node holding it, its field there and its dotted name. */
  private record Key(ObjectNode target, String field, String name) {}

  /**
   * The key a {@code WAYPOST_<SECTION>_<KEY>} variable names, or null. Nested sections join with
   * {@code _} too: {@code WAYPOST_NOTIFICATIONS_SMTP_HOST} is {@code notifications.smtp.host}.
   */
  private static Key configKey(ObjectNode root, String variable) {
    String rest = variable.substring(ENV_PREFIX.length());
    int underscore = rest.indexOf('_');
    if (underscore <= 0) {
      return null;
    }
    String section = findField(root, rest.substring(0, underscore));
    return section == null
        ? null
        : keyIn(root.get(section), section, rest.substring(underscore + 1));
  }

  private static Key keyIn(JsonNode node, String prefix, String rest) {
    String key = findField(node, rest);
    if (key != null && !isNested(prefix + "." + key)) {
      return new Key((ObjectNode) node, key, prefix + "." + key);
    }
    for (int i = rest.indexOf('_'); i > 0; i = rest.indexOf('_', i + 1)) {
      String nested = findField(node, rest.substring(0, i));
      if (nested != null && isNested(prefix + "." + nested)) {
        Key inner = keyIn(node.get(nested), prefix + "." + nested, rest.substring(i + 1));
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  private static void applyDotted(ObjectNode root, String dotted, String value) {
    String[] parts = dotted.split("\\.");
    JsonNode node = root;
    for (int i = 0; i < parts.length - 1 && node != null; i++) {
      node = node.get(parts[i]);
    }
    String key = parts[parts.length - 1];
    if (parts.length < 2
        || node == null
        || !node.isObject()
        || !node.has(key)
        || isNested(dotted)) {
      throw new ConfigException("unknown configuration key '" + dotted + "'");
    }
    set((ObjectNode) node, key, dotted, value, dotted);
  }

  /** The field of {@code node} whose name equals {@code wanted}, ignoring case and '_'. */
  private static String findField(JsonNode node, String wanted) {
    String canonical = wanted.replace("_", "").toLowerCase(Locale.ROOT);
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (name.toLowerCase(Locale.ROOT).equals(canonical)) {
        return name;
      }
    }
    return null;
  }

  private static void set(ObjectNode target, String key, String name, String value, String from) {
    JsonNode current = target.get(key);
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (current.isArray()) {
      ArrayNode list = nodes.arrayNode();
      for (String item : value.split(",")) {
        if (!item.isBlank()) {
          list.add(item.trim());
        }
      }
      target.set(key, list);
    } else if (current.isObject()) {
      ObjectNode map = nodes.objectNode();
      for (String pair : value.split(",")) {
        if (pair.isBlank()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new ConfigException(from + " must be a list of KEY=VALUE pairs, for " + name);
        }
        map.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
      target.set(key, map);
    } else if (current.isBoolean()) {
      if (!value.equals("true") && !value.equals("false")) {
        throw new ConfigException(
            from + " must be true or false for " + name + ", was '" + value + "'");
      }
      target.put(key, Boolean.parseBoolean(value));
    } else if (current.isNumber()) {
      try {
        target.put(key, Long.parseLong(value.trim()));
      } catch (NumberFormatException e) {
        throw new ConfigException(
            from + " must be a whole number for " + name + ", was '" + value + "'");
      }
    } else {
      target.put(key, value);
    }
  }

  private static WaypostConfig convert(ObjectNode root) {
    try {
      return MAPPER.treeToValue(root, WaypostConfig.class);
    } catch (JsonMappingException e) {
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        if (cause instanceof ConfigException config) {
          throw config;
        }
      }
      String key = path(e);
      if (e instanceof InvalidFormatException invalid) {
        throw new ConfigException(
            "invalid value for '" + key + "': '" + invalid.getValue() + "' is not allowed here");
      }
      throw new ConfigException("invalid value for '" + key + "': " + e.getOriginalMessage());
    } catch (JacksonException e) {
      throw new ConfigException("invalid configuration: " + e.getOriginalMessage());
    }
  }

  private static String path(JsonMappingException e) {
    List<String> parts = new ArrayList<>();
    for (JsonMappingException.Reference ref : e.getPath()) {
      parts.add(ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]");
    }
    return String.join(".", parts);
  }
}
