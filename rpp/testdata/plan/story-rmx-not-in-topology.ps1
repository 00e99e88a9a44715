# Lync Server Management Shell script written by rpp plan.
# golden test
# Safe to run twice: each New-Cs... and Remove-Cs... runs only when its Get-Cs... check says it is still to do.
$ErrorActionPreference = 'Stop'

# Step 1: Create the multiple-computer trusted application pool rpp.wingtip.com, registered with fe.wingtip.com
if (-not (Get-CsTrustedApplicationPool -Identity 'TrustedApplicationPool:rpp.wingtip.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationPool -Identity 'rpp.wingtip.com' -Registrar 'fe.wingtip.com' -Site ((Get-CsSite -Identity 'site:Main').SiteId) -ComputerFqdn 'dma.wingtip.com' -RequiresReplication $false -ThrottleAsServer $true -TreatAsAuthenticated $true
}

# Step 2: Add computer rmx.wingtip.com to trusted application pool rpp.wingtip.com
if (-not (Get-CsTrustedApplicationComputer -Identity 'rmx.wingtip.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationComputer -Identity 'rmx.wingtip.com' -Pool 'rpp.wingtip.com'
}

# Step 3: Create trusted application video in pool rpp.wingtip.com on port 5061 (Lync assigns the pool its Service GRUU)
if (-not (Get-CsTrustedApplication -Identity 'rpp.wingtip.com/urn:application:video' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplication -ApplicationId 'video' -TrustedApplicationPoolFqdn 'rpp.wingtip.com' -Port 5061
}

# Step 4: Create trusted application endpoint sip:rpp@wingtip.com in pool rpp.wingtip.com (application video): the RMX's ICE identity
if (-not (Get-CsTrustedApplicationEndpoint -Identity 'sip:rpp@wingtip.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationEndpoint -ApplicationId 'video' -TrustedApplicationPoolFqdn 'rpp.wingtip.com' -SipAddress 'sip:rpp@wingtip.com'
}

# Step 5: Publish the topology changes above
Enable-CsTopology

# Step 6: Read back the Service GRUU Lync assigned to pool rpp.wingtip.com: the RMX flag takes it without sip:, the DMA with sip:
$gruu6 = (Get-CsTrustedApplication -Identity 'rpp.wingtip.com/urn:application:video').ServiceGruu
if (-not $gruu6) { throw 'No Service GRUU for rpp.wingtip.com/video: publish the topology (Enable-CsTopology) and run this script again.' }
$bare6 = $gruu6 -replace '^(?i)sip:', ''
Write-Output "RMX system flag SIP_CONTACT_OVERRIDE_STR (without sip:): $bare6"
Write-Output "DMA Lync Integration, CsTrustedApplication ServiceGruu (with sip:): sip:$bare6"

# Steps 7-17 are on the RMXs and DMAs (rpp plan --format text lists their settings):
#   7. [rmx/rmx] Install the RMX's own certificate: a SAN certificate naming its signalling FQDN (never a wildcard)
#   8. [rmx/rmx] Set the SIP server and the SIP domain of the ICE identity; save, and defer the reboot the RMX asks for
#   9. [rmx/rmx] Set ICE to the new method (the trusted application endpoint sip:rpp@wingtip.com); save, and defer the reboot the RMX asks for
#   10. [rmx/rmx] Add the system flag (New Flag) SIP_CONTACT_OVERRIDE_STR: the pool's Service GRUU without sip:
#   11. [rmx/rmx] Reboot the RMX once, so the settings above take effect together
#   12. [rmx/rmx] Set conference profile lync's encryption to whenAvailable
#   13. [dma/dma] Install the DMA's certificate: a SAN certificate naming its FQDN (never a wildcard)
#   14. [dma/dma] Add the external SIP peer fe for Lync Front End pool fe.wingtip.com; on its Lync Integration tab enable CsTrustedApplication ServiceGruu and paste the Service GRUU with sip:
#   15. [dma/dma] Set the RealConnect dial rule that resolves Lync conference IDs
#   16. [rmx/rmx] Check the RMX's Active Alarms list shows no ICE alarm (such as "Failed to subscribe with the OCS, therefore the A/V Edge Server URI was not received") and its ICE status shows the Edge server
#   17. [dma/dma] Check that a standards-based endpoint that dials the ID of a Lync meeting joins it (RealConnect)
Write-Output 'Now carry out steps 7-17 on the RMXs and DMAs.'
