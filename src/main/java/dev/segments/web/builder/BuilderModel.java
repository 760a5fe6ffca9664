package dev.segments.web.builder;

import io.quarkus.qute.TemplateData;

/** The builder page's header fields; {@code segmentId} is null for a new segment. */
@TemplateData
public record BuilderModel(Long segmentId, String name, String description) {

    public boolean isEditing() {
        return segmentId != null;
    }
}
