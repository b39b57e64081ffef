"""OMEX Metadata 1.2 (RDF/XML) for the COMBINE archive, in the shapes BioSimulations' reader keeps.

Every object that the reader expects to carry a URI and a label (creators, taxa, citations, licence)
is a blank node with `dc:identifier` (the URI) and `rdfs:label`; creators are people with `foaf:name`,
`foaf:mbox` and an ORCID identifier when given. Dates are `dc:created` / `dc:modified` W3CDTF values.
The archive and each model file get their own description (taxa and citations read from the SBML).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import libsbml

from necro_sbml.building.metadata import Creator, ModelMetadata
from necro_sbml.core.errors import NecroSbmlError

ARCHIVE_URI = "http://omex-library.org/necro-sbml.omex"
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/", "bqbiol": "http://biomodels.net/biology-qualifiers/",
    "bqmodel": "http://biomodels.net/model-qualifiers/",
}
PLACEHOLDER_NOTE = "placeholder creator: name the submitter in models/metadata.toml or pass `necro-sbml archive --creator`"
CREATOR_PATTERN = re.compile(r"^\s*(?P<name>[^<\[]+?)\s*(?:<(?P<email>[^>]+)>)?\s*(?:\[(?P<orcid>[0-9X-]+)\])?\s*$")
ORCID_PATTERN = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[0-9X]$")


@dataclass(frozen=True)
class Labelled:
    """A URI with its human-readable label."""

    uri: str
    label: str


@dataclass(frozen=True)
class Description:
    """The metadata of the archive or of one file in it."""

    about: str
    title: str
    description: str
    creators: tuple[Creator, ...]
    created: str
    modified: str
    taxa: tuple[Labelled, ...] = ()
    citations: tuple[Labelled, ...] = ()
    license: Labelled | None = None


def parse_creator(text: str) -> Creator:
    """A Creator from 'Given Family <email> [ORCID]' (e-mail and ORCID optional)."""
    match = CREATOR_PATTERN.match(text)
    names = match.group("name").split() if match else []
    if len(names) < 2 or (match.group("orcid") and not ORCID_PATTERN.match(match.group("orcid"))):
        raise NecroSbmlError(f"bad creator '{text}'", id="--creator",
                             fix='write it as "Given Family <e-mail> [0000-0000-0000-0000]" (e-mail and ORCID optional)')
    return Creator(" ".join(names[:-1]), names[-1], match.group("email") or "", orcid=match.group("orcid") or "")


def _q(prefix: str, name: str) -> str:
    """A namespaced XML tag."""
    return f"{{{NS[prefix]}}}{name}"


def _literal(parent: ET.Element, prefix: str, name: str, text: str) -> ET.Element:
    """A child element carrying text."""
    child = ET.SubElement(parent, _q(prefix, name))
    child.text = text
    return child


def _node(parent: ET.Element, prefix: str, name: str) -> ET.Element:
    """A predicate whose object is a blank node (rdf:Description without rdf:about)."""
    return ET.SubElement(ET.SubElement(parent, _q(prefix, name)), _q("rdf", "Description"))


def _labelled(parent: ET.Element, prefix: str, name: str, item: Labelled) -> None:
    """A predicate pointing to a labelled URI: blank node with dc:identifier and rdfs:label."""
    node = _node(parent, prefix, name)
    ET.SubElement(node, _q("dc", "identifier"), {_q("rdf", "resource"): item.uri})
    _literal(node, "rdfs", "label", item.label)


def _creator(parent: ET.Element, creator: Creator) -> None:
    """A dc:creator person: rdfs:label and foaf:name, e-mail, ORCID, organisation."""
    node = _node(parent, "dc", "creator")
    if creator.orcid:
        ET.SubElement(node, _q("dc", "identifier"), {_q("rdf", "resource"): f"https://orcid.org/{creator.orcid}"})
        _literal(node, "foaf", "accountName", f"https://orcid.org/{creator.orcid}")
    _literal(node, "rdfs", "label", creator.name)
    _literal(node, "foaf", "name", creator.name)
    _literal(node, "foaf", "givenName", creator.given)
    _literal(node, "foaf", "familyName", creator.family)
    if creator.email:
        ET.SubElement(node, _q("foaf", "mbox"), {_q("rdf", "resource"): f"mailto:{creator.email}"})
    if creator.organisation:
        _literal(_node(node, "foaf", "member"), "foaf", "name", creator.organisation)
    if creator.placeholder:
        _literal(node, "rdfs", "comment", PLACEHOLDER_NOTE)


def _date(parent: ET.Element, name: str, value: str) -> None:
    """dc:created / dc:modified as a W3CDTF value."""
    _literal(_node(parent, "dc", name), "dcterms", "W3CDTF", value)


def _describe(root: ET.Element, d: Description) -> None:
    """One rdf:Description with every field of d."""
    about = ET.SubElement(root, _q("rdf", "Description"), {_q("rdf", "about"): d.about})
    _literal(about, "dc", "title", d.title)
    _literal(about, "dc", "description", " ".join(d.description.split()))
    for creator in d.creators:
        _creator(about, creator)
    _date(about, "created", d.created)
    _date(about, "modified", d.modified)
    for taxon in d.taxa:
        _labelled(about, "bqbiol", "hasTaxon", taxon)
    for citation in d.citations:
        _labelled(about, "bqmodel", "isDescribedBy", citation)
    if d.license is not None:
        _labelled(about, "dc", "license", d.license)


def metadata_rdf(descriptions: Sequence[Description]) -> bytes:
    """OMEX metadata (RDF/XML) of the archive and its files."""
    for prefix, uri in NS.items():
        ET.register_namespace(prefix, uri)
    root = ET.Element(_q("rdf", "RDF"))
    for d in descriptions:
        _describe(root, d)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def model_resources(sbml_file: Path, qualifier: int) -> list[str]:
    """URIs of the model-level CVTerms of one biological (hasTaxon) or model (isDescribedBy) qualifier."""
    doc = libsbml.readSBMLFromFile(str(sbml_file))  # keep the document alive while its model is read
    model = doc.getModel()
    uris: list[str] = []
    for i in range(model.getNumCVTerms()):
        term = model.getCVTerm(i)
        kind = term.getBiologicalQualifierType() if term.getQualifierType() == libsbml.BIOLOGICAL_QUALIFIER \
            else term.getModelQualifierType()
        if kind == qualifier:
            uris += [term.getResourceURI(j) for j in range(term.getNumResources())]
    return uris


def doi_url(uri: str) -> str:
    """https://doi.org/<doi> for an identifiers.org DOI URI; other URIs unchanged."""
    match = re.match(r"^https?://identifiers\.org/doi:(.+)$", uri)
    return f"https://doi.org/{match.group(1)}" if match else uri


def citation_label(uri: str, references: dict[str, str]) -> str:
    """The bibliographic text that models/REFERENCES.md gives a DOI, else the DOI itself."""
    doi = doi_url(uri).removeprefix("https://doi.org/")
    for text in references.values():
        if f"doi:{doi}".lower() in text.lower():
            return text.split(", doi:")[0].strip()
    return f"doi:{doi}" if doi != uri else uri


def taxon_label(uri: str, names: dict[str, str], where: Path) -> Labelled:
    """A taxon URI with its scientific name from the archive settings."""
    taxon = uri.rsplit(":", 1)[-1]
    if taxon not in names:
        raise NecroSbmlError("taxon without a name", file=where, id=taxon,
                             fix=f'add {taxon} = "<scientific name>" under [taxon_names]')
    return Labelled(f"https://identifiers.org/taxonomy:{taxon}", names[taxon])


def model_description(sbml_file: Path, location: str, meta: ModelMetadata, taxon_names: dict[str, str],
                      references: dict[str, str], settings: Path, creators: tuple[Creator, ...] = ()) -> Description:
    """The description of one model file: its notes, creators, dates, taxa and describing publications."""
    doc = libsbml.readSBMLFromFile(str(sbml_file))
    title = doc.getModel().getName() or doc.getModel().getId()
    taxa = tuple(taxon_label(u, taxon_names, settings) for u in model_resources(sbml_file, libsbml.BQB_HAS_TAXON))
    cites = tuple(Labelled(doi_url(u), citation_label(u, references))
                  for u in model_resources(sbml_file, libsbml.BQM_IS_DESCRIBED_BY))
    return Description(f"{ARCHIVE_URI}/{location}", title, meta.description, creators or meta.creators,
                       meta.created, meta.modified, taxa, cites)


def unique(items: Iterable) -> tuple:
    """Items in first-seen order without repeats."""
    return tuple(dict.fromkeys(items))


def placeholder_creators(rdf: bytes) -> list[str]:
    """Subjects (archive or file URIs) whose creators are all placeholders, read back from metadata.rdf."""
    root = ET.fromstring(rdf)
    flagged = []
    for about in root.findall(_q("rdf", "Description")):
        creators = about.findall(f"{_q('dc', 'creator')}/{_q('rdf', 'Description')}")
        if not creators or all(c.findtext(_q("rdfs", "comment")) == PLACEHOLDER_NOTE for c in creators):
            flagged.append(about.get(_q("rdf", "about"), ""))
    return flagged
