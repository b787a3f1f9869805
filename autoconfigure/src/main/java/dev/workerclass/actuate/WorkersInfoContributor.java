package dev.workerclass.actuate;

import java.util.Map;
import java.util.function.Supplier;

import dev.workerclass.workers.Workers;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/** {@code workers} in the info endpoint: the worker class and the engine that runs it. */
public class WorkersInfoContributor implements InfoContributor {

	private final Workers workers;

	private final Supplier<String> engine;

	public WorkersInfoContributor(Workers workers, Supplier<String> engine) {
		this.workers = workers;
		this.engine = engine;
	}

	@Override
	public void contribute(Info.Builder builder) {
		builder.withDetail("workers",
				Map.of("workerClass", this.workers.workerClass().canonicalName(), "engine", this.engine.get()));
	}

}
