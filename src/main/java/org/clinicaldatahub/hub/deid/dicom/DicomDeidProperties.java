package org.clinicaldatahub.hub.deid.dicom;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Research copies of DICOM instances ({@code hub.deid.dicom.*}); each property is in the README's table. */
@ConfigurationProperties("hub.deid.dicom")
public class DicomDeidProperties {

    /** Start the route {@code deid-internal-dicom} that makes a research copy of every stored instance. */
    private boolean enabled = true;
    /** The de-identification profile (PS3.15 Annex E options), an analyst-edited YAML file. */
    private Path profile = Path.of("mappings/deid/dicom-basic.yaml");
    /** Data class the instances are read from (the identified zone; the DICOM channel's {@code hub.dicom.data-class}). */
    private String sourceDataClass = "clinical-hot";
    /** Data class the de-identified copies are written to (the de-identified zone). */
    private String dataClass = "research-active";
    /** Key of a research copy; {study}, {series}, {instance} are the new UIDs. */
    private String keyLayout = "dicom/{study}/{series}/{instance}.dcm";
    /** Topic of the de-identified instance events (claim check: where the copy is). */
    private String topic = "hub.deid.dicom";
    /** Kafka consumer group reading {@code hub.dicom.stored}. */
    private String consumerGroup = "hub-deid-dicom";
    /** Working directory for the instance being de-identified (identified data while it is there). */
    private Path workDir = Path.of("data/deid-dicom-work");

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public Path getProfile() { return profile; }
    public void setProfile(Path profile) { this.profile = profile; }
    public String getSourceDataClass() { return sourceDataClass; }
    public void setSourceDataClass(String sourceDataClass) { this.sourceDataClass = sourceDataClass; }
    public String getDataClass() { return dataClass; }
    public void setDataClass(String dataClass) { this.dataClass = dataClass; }
    public String getKeyLayout() { return keyLayout; }
    public void setKeyLayout(String keyLayout) { this.keyLayout = keyLayout; }
    public String getTopic() { return topic; }
    public void setTopic(String topic) { this.topic = topic; }
    public String getConsumerGroup() { return consumerGroup; }
    public void setConsumerGroup(String consumerGroup) { this.consumerGroup = consumerGroup; }
    public Path getWorkDir() { return workDir; }
    public void setWorkDir(Path workDir) { this.workDir = workDir; }
}
