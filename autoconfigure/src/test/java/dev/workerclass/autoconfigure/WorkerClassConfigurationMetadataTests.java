package dev.workerclass.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import dev.workerclass.offload.OffloadMode;
import dev.workerclass.workers.WorkerClass;
import org.junit.jupiter.api.Test;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.util.StreamUtils;
import org.springframework.util.StringUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the starter publishes to tools and to Spring Boot: the generated configuration metadata
 * (IDE completion for {@code server.worker-class} and friends) and its {@code spring.factories}.
 */
class WorkerClassConfigurationMetadataTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private static final String SOURCE_TYPE = WorkerClassProperties.class.getName();

	@Test
	void metadataIsGeneratedAtCompileTime() {
		assertThat(Path.of("target/classes").resolve(METADATA)).exists();
	}

	@Test
	void everyPropertyIsDescribed() throws IOException {
		Map<String, Map<String, Object>> properties = ourProperties();
		assertThat(properties).containsKeys("server.worker-class", "server.workers", "server.threads",
				"server.worker-connections", "server.backlog", "server.keep-alive", "server.graceful-timeout");
		assertThat(properties.values()).allSatisfy((property) -> assertThat((String) property.get("description"))
			.as("description of %s", property.get("name"))
			.isNotBlank());
		assertThat(properties.get("server.worker-class").get("type")).isEqualTo("java.lang.String");
		assertThat(properties.get("server.workers").get("type")).isEqualTo("java.lang.Integer");
		assertThat(properties.get("server.keep-alive").get("type")).isEqualTo("java.time.Duration");
		assertThat(properties.get("server.graceful-timeout").get("type")).isEqualTo("java.time.Duration");
	}

	@Test
	void descriptionsNameTheGunicornFlag() throws IOException {
		Map<String, Map<String, Object>> properties = ourProperties();
		assertThat(description(properties, "server.worker-class")).contains("gunicorn -k");
		assertThat(description(properties, "server.workers")).contains("gunicorn -w");
		assertThat(description(properties, "server.threads")).contains("--threads");
		assertThat(description(properties, "server.worker-connections")).contains("--worker-connections");
		assertThat(description(properties, "server.backlog")).contains("--backlog");
		assertThat(description(properties, "server.keep-alive")).contains("--keep-alive");
		assertThat(description(properties, "server.graceful-timeout")).contains("--graceful-timeout")
			.contains("spring.lifecycle.timeout-per-shutdown-phase");
	}

	@Test
	@SuppressWarnings("unchecked")
	void everyAcceptedClassNameIsHintedWithADescription() throws IOException {
		Map<String, Object> metadata = ourMetadata();
		List<Map<String, Object>> hints = (List<Map<String, Object>>) metadata.get("hints");
		assertThat(hints).isNotNull();
		Map<String, Object> workerClassHint = hints.stream()
			.filter((hint) -> "server.worker-class".equals(hint.get("name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no hint for server.worker-class"));
		List<Map<String, Object>> values = (List<Map<String, Object>>) workerClassHint.get("values");
		assertThat(values).extracting((value) -> value.get("value"))
			.containsExactlyInAnyOrderElementsOf(WorkerClass.allNames());
		assertThat(values).allSatisfy((value) -> assertThat((String) value.get("description")).isNotBlank());
		assertThat(values).filteredOn((value) -> "async".equals(value.get("value")))
			.singleElement()
			.satisfies((value) -> assertThat((String) value.get("description")).contains("virtual"));
	}

	@Test
	@SuppressWarnings("unchecked")
	void everyOffloadModeIsHintedWithADescription() throws IOException {
		List<Map<String, Object>> hints = (List<Map<String, Object>>) ourMetadata().get("hints");
		Map<String, Object> offloadHint = hints.stream()
			.filter((hint) -> OffloadMode.PROPERTY.equals(hint.get("name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no hint for server.offload"));
		List<Map<String, Object>> values = (List<Map<String, Object>>) offloadHint.get("values");
		assertThat(values).extracting((value) -> value.get("value"))
			.containsExactlyInAnyOrderElementsOf(Arrays.stream(OffloadMode.values()).map(OffloadMode::value).toList());
		assertThat(values).allSatisfy((value) -> assertThat((String) value.get("description")).isNotBlank());
		assertThat(ourProperties()).containsKey(OffloadMode.PROPERTY);
	}

	@Test
	void theFailureAnalyzersAreRegistered() throws IOException {
		assertThat(registered(FailureAnalyzer.class)).contains(WorkerPropertyBindFailureAnalyzer.class.getName(),
				WorkerSettingFailureAnalyzer.class.getName());
	}

	@Test
	void theEnvironmentPostProcessorIsRegistered() throws IOException {
		assertThat(registered(EnvironmentPostProcessor.class))
			.contains(WorkerClassEnvironmentPostProcessor.class.getName());
	}

	@Test
	void theAutoConfigurationIsRegistered() throws IOException {
		String imports = "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports";
		List<String> names = new ArrayList<>();
		for (URL url : Collections.list(getClass().getClassLoader().getResources(imports))) {
			try (InputStream in = url.openStream()) {
				StreamUtils.copyToString(in, StandardCharsets.UTF_8).lines().map(String::trim).forEach(names::add);
			}
		}
		assertThat(names).contains(WorkerClassAutoConfiguration.class.getName(),
				"dev.workerclass.servlet.autoconfigure.ServletWorkersAutoConfiguration",
				"dev.workerclass.tomcat.autoconfigure.TomcatWorkersAutoConfiguration",
				"dev.workerclass.jetty.autoconfigure.JettyWorkersAutoConfiguration",
				"dev.workerclass.webflux.autoconfigure.ReactiveWorkersAutoConfiguration",
				"dev.workerclass.netty.autoconfigure.NettyWorkersAutoConfiguration",
				"dev.workerclass.undertow.autoconfigure.UndertowWorkersAutoConfiguration",
				"dev.workerclass.actuate.autoconfigure.WorkersEndpointAutoConfiguration");
	}

	private static String description(Map<String, Map<String, Object>> properties, String name) {
		return (String) properties.get(name).get("description");
	}

	@SuppressWarnings("unchecked")
	private Map<String, Map<String, Object>> ourProperties() throws IOException {
		Map<String, Map<String, Object>> ours = new TreeMap<>();
		for (Map<String, Object> property : (List<Map<String, Object>>) ourMetadata().get("properties")) {
			if (SOURCE_TYPE.equals(property.get("sourceType"))) {
				ours.put((String) property.get("name"), property);
			}
		}
		return ours;
	}

	/** Spring Boot's jars carry files of the same name: ours is the one that describes our properties. */
	private Map<String, Object> ourMetadata() throws IOException {
		List<Map<String, Object>> ours = new ArrayList<>();
		for (URL url : Collections.list(getClass().getClassLoader().getResources(METADATA))) {
			String json;
			try (InputStream in = url.openStream()) {
				json = StreamUtils.copyToString(in, StandardCharsets.UTF_8);
			}
			if (json.contains("\"" + SOURCE_TYPE + "\"")) {
				ours.add(JsonParserFactory.getJsonParser().parseMap(json));
			}
		}
		assertThat(ours).as("metadata files describing %s", SOURCE_TYPE).hasSize(1);
		return ours.get(0);
	}

	private List<String> registered(Class<?> type) throws IOException {
		List<String> names = new ArrayList<>();
		for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
			Properties properties = new Properties();
			try (InputStream in = url.openStream()) {
				properties.load(in);
			}
			String value = properties.getProperty(type.getName());
			if (value != null) {
				names.addAll(StringUtils.commaDelimitedListToSet(value).stream().map(String::trim).toList());
			}
		}
		return names;
	}

}
